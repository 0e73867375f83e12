/**
 * In-process consumer-group membership: the live consumers of a group share the partitions of
 * the topics they subscribe to. Every join, leave or topic creation reassigns (rebalances) the
 * group's partitions; a consumer that gains a partition starts from the group's committed offset.
 */
import type { PartitionLog } from './partition-log.js';

export interface GroupMember {
  readonly group: string;
  readonly topics: readonly string[];
  /** Replaces the member's partitions. */
  assign(partitions: PartitionLog[]): void;
}

export class GroupCoordinator {
  private groups = new Map<string, GroupMember[]>();

  constructor(private readonly partitionsOf: (topic: string) => readonly PartitionLog[] | undefined) {}

  join(member: GroupMember): void {
    const members = this.groups.get(member.group) ?? [];
    members.push(member);
    this.groups.set(member.group, members);
    this.rebalance(member.group);
  }

  leave(member: GroupMember): void {
    const members = this.groups.get(member.group);
    if (!members) return;
    const index = members.indexOf(member);
    if (index < 0) return;
    members.splice(index, 1);
    member.assign([]);
    if (members.length === 0) this.groups.delete(member.group);
    else this.rebalance(member.group);
  }

  /** Every live member of every group. */
  members(): GroupMember[] {
    return [...this.groups.values()].flat();
  }

  /** Rebalances every group (after a topic was created). */
  rebalanceAll(): void {
    for (const group of this.groups.keys()) this.rebalance(group);
  }

  /**
   * Round robin over the group's members in join order, across all partitions of the subscribed
   * topics (topics in name order), so that members get counts differing by at most one per topic.
   */
  private rebalance(group: string): void {
    const members = this.groups.get(group) ?? [];
    const assignment = new Map<GroupMember, PartitionLog[]>(members.map((member) => [member, []]));
    const topics = [...new Set(members.flatMap((member) => member.topics))].sort();
    let next = 0;
    for (const topic of topics) {
      const subscribers = members.filter((member) => member.topics.includes(topic));
      for (const log of this.partitionsOf(topic) ?? []) {
        assignment.get(subscribers[next % subscribers.length]!)!.push(log);
        next++;
      }
    }
    for (const [member, partitions] of assignment) member.assign(partitions);
  }
}
