/**
 * The grok patterns of Metron's `/patterns/asa` (Cisco ASA syslog), written anew for this engine:
 * the same pattern names and the same named captures, matching the same lines. On top of the
 * common library (which already holds the base names the Metron file repeats).
 *
 * - CISCO_TAGGED_SYSLOG reads the syslog header the way Metron's BasicAsaParser consumes it:
 *   `syslog_pri`, the timestamp as `CISCOTIMESTAMP`, optional `syslog_host` and `syslog_prog`,
 *   the message id as `CISCOTAG` and the rest of the line as `message`. Beyond Metron's grammar, an
 *   RFC 3339 timestamp is accepted (Metron's timestamp reader handles one; its pattern does not).
 * - CISCOFW<id> patterns read the text after `%ASA-<level>-<id>: `. Only their leading required
 *   part decides whether they match; trailing optional parts are kept for the captures they give.
 * - `CISCO_ACTION` alternatives keep Metron's order: the first that lets the line match is the
 *   captured action (`denied` is tried before `denied by ACL`).
 * - `\s*(?!\s)%{DATA}` (733100, 713172): the spaces before a lazy DATA are all taken, which gives
 *   the same captures as Metron's `\s*%{DATA}` (a match that starts DATA inside the spaces has one
 *   that starts it after them, tried first) without cubic backtracking on long runs of spaces.
 */
export const ASA_PATTERNS = `CISCOTIMESTAMP %{MONTH}[ ]+%{MONTHDAY}(?:[ ]%{YEAR})?[ ]%{TIME}
CISCO_SYSLOG_TIME (?:%{CISCOTIMESTAMP}|%{TIMESTAMP_ISO8601})
CISCOTAG [A-Z0-9]+-%{INT}-[A-Z0-9_]+
CISCO_TAGGED_SYSLOG ^<%{POSINT:syslog_pri}>%{CISCO_SYSLOG_TIME:CISCOTIMESTAMP}(?:[ ]%{SYSLOGHOST:syslog_host})?(?:[ ]%{PROG:syslog_prog})?[ ]?:?[ ]%%{CISCOTAG:CISCOTAG}:[ ]?%{GREEDYDATA:message}

CISCO_ACTION (?:Built|Teardown|Deny|Denied|denied|requested|permitted|denied by ACL|discarded|est-allowed|Dropping|created|deleted)
CISCO_REASON (?:Duplicate TCP SYN|Failed to locate egress interface|Invalid transport field|No matching connection|DNS Response|DNS Query|(?:%{WORD}\\s*)*)
CISCO_DIRECTION (?:[Ii]nbound|[Oo]utbound)
CISCO_INTERVAL (?:first hit|%{INT}-second interval)
CISCO_XLATE_TYPE (?:static|dynamic)
CISCO_SRC_USER (?:\\(%{DATA:src_fwuser}\\))?
CISCO_DST_USER (?:\\(%{DATA:dst_fwuser}\\))?

CISCOFW106001 %{CISCO_DIRECTION:direction} %{WORD:protocol} connection %{CISCO_ACTION:action} from %{IP:src_ip}/%{INT:src_port} to %{IP:dst_ip}/%{INT:dst_port} flags %{GREEDYDATA:tcp_flags} on interface %{GREEDYDATA:interface}
CISCOFW106006_106007_106010 %{CISCO_ACTION:action} %{CISCO_DIRECTION:direction} %{WORD:protocol} (?:from|src) %{IP:src_ip}/%{INT:src_port}%{CISCO_SRC_USER} (?:to|dst) %{IP:dst_ip}/%{INT:dst_port}%{CISCO_DST_USER} (?:on interface %{DATA:interface}|due to %{CISCO_REASON:reason})
CISCOFW106014 %{CISCO_ACTION:action} %{CISCO_DIRECTION:direction} %{WORD:protocol} src %{DATA:src_interface}:%{IP:src_ip}%{CISCO_SRC_USER} dst %{DATA:dst_interface}:%{IP:dst_ip}%{CISCO_DST_USER} \\(type %{INT:icmp_type}, code %{INT:icmp_code}\\)
CISCOFW106015 %{CISCO_ACTION:action} %{WORD:protocol} \\(%{DATA:policy_id}\\) from %{IP:src_ip}/%{INT:src_port} to %{IP:dst_ip}/%{INT:dst_port} flags %{DATA:tcp_flags}  on interface %{GREEDYDATA:interface}
CISCOFW106021 %{CISCO_ACTION:action} %{WORD:protocol} reverse path check from %{IP:src_ip} to %{IP:dst_ip} on interface %{GREEDYDATA:interface}
CISCOFW106023 %{CISCO_ACTION:action} %{WORD:protocol} src %{DATA:src_interface}:%{IP:src_ip}(?:/%{INT:src_port})?%{CISCO_SRC_USER} dst %{DATA:dst_interface}:%{IP:dst_ip}(?:/%{INT:dst_port})?%{CISCO_DST_USER}(?: \\(type %{INT:icmp_type}, code %{INT:icmp_code}\\))? by access-group %{DATA:policy_id} \\[%{DATA:hashcode1}, %{DATA:hashcode2}\\]
CISCOFW106100 access-list %{WORD:policy_id} %{CISCO_ACTION:action} %{WORD:protocol} %{DATA:src_interface}/%{IP:src_ip}\\(%{INT:src_port}\\)%{CISCO_SRC_USER} -> %{DATA:dst_interface}/%{IP:dst_ip}\\(%{INT:dst_port}\\)%{CISCO_SRC_USER} hit-cnt %{INT:hit_count} %{CISCO_INTERVAL:interval} \\[%{DATA:hashcode1}, %{DATA:hashcode2}\\]
CISCOFW110002 %{CISCO_REASON:reason} for %{WORD:protocol} from %{DATA:src_interface}:%{IP:src_ip}/%{INT:src_port} to %{IP:dst_ip}/%{INT:dst_port}
CISCOFW302010 %{INT:connection_count} in use, %{INT:connection_count_max} most used
CISCOFW302013_302014_302015_302016 %{CISCO_ACTION:action}(?: %{CISCO_DIRECTION:direction})? %{WORD:protocol} connection %{INT:connection_id} for %{DATA:src_interface}:%{IP:src_ip}/%{INT:src_port}(?: \\(%{IP:src_mapped_ip}/%{INT:src_mapped_port}\\))?%{CISCO_SRC_USER} to %{DATA:dst_interface}:%{IP:dst_ip}/%{INT:dst_port}(?: \\(%{IP:dst_mapped_ip}/%{INT:dst_mapped_port}\\))?%{CISCO_DST_USER}(?: duration %{TIME:duration} bytes %{INT:bytes})?(?: %{CISCO_REASON:reason})?(?: \\(%{DATA:user}\\))?
CISCOFW302020_302021 %{CISCO_ACTION:action}(?: %{CISCO_DIRECTION:direction})? %{WORD:protocol} connection for faddr %{IP:dst_ip}/%{INT:icmp_seq_num}(?:\\(%{DATA:fwuser}\\))? gaddr %{IP:src_xlated_ip}/%{INT:icmp_code_xlated} laddr %{IP:src_ip}/%{INT:icmp_code}(?: \\(%{DATA:user}\\))?
CISCOFW305011 %{CISCO_ACTION:action} %{CISCO_XLATE_TYPE:xlate_type} %{WORD:protocol} translation from %{DATA:src_interface}:%{IP:src_ip}(?:/%{INT:src_port})?%{CISCO_SRC_USER} to %{DATA:src_xlated_interface}:%{IP:src_xlated_ip}/%{DATA:src_xlated_port}
CISCOFW305012 %{CISCO_ACTION:action} %{CISCO_XLATE_TYPE:xlate_type} %{WORD:protocol} translation from %{DATA:src_interface}:%{IP:src_ip}(?:/%{INT:src_port})?%{CISCO_SRC_USER} to %{DATA:src_xlated_interface}:%{IP:src_xlated_ip}/%{DATA:src_xlated_port} duration %{TIME:duration}
CISCOFW313001_313004_313008 %{CISCO_ACTION:action} %{WORD:protocol} type=%{INT:icmp_type}, code=%{INT:icmp_code} from %{IP:src_ip} on interface %{DATA:interface}(?: to %{IP:dst_ip})?
CISCOFW313005 %{CISCO_REASON:reason} for %{WORD:protocol} error message: %{WORD:err_protocol} src %{DATA:err_src_interface}:%{IP:err_src_ip}(?:\\(%{DATA:err_src_fwuser}\\))? dst %{DATA:err_dst_interface}:%{IP:err_dst_ip}(?:\\(%{DATA:err_dst_fwuser}\\))? \\(type %{INT:err_icmp_type}, code %{INT:err_icmp_code}\\) on %{DATA:interface} interface\\.  Original IP payload: %{WORD:protocol} src %{IP:orig_src_ip}/%{INT:orig_src_port}(?:\\(%{DATA:orig_src_fwuser}\\))? dst %{IP:orig_dst_ip}/%{INT:orig_dst_port}(?:\\(%{DATA:orig_dst_fwuser}\\))?
CISCOFW402117 %{WORD:protocol}: Received a non-IPSec packet \\(protocol= %{WORD:orig_protocol}\\) from %{IP:src_ip} to %{IP:dst_ip}
CISCOFW402119 %{WORD:protocol}: Received an %{WORD:orig_protocol} packet \\(SPI= %{DATA:spi}, sequence number= %{DATA:seq_num}\\) from %{IP:src_ip} \\(user= %{DATA:user}\\) to %{IP:dst_ip} that failed anti-replay checking
CISCOFW419001 %{CISCO_ACTION:action} %{WORD:protocol} packet from %{DATA:src_interface}:%{IP:src_ip}/%{INT:src_port} to %{DATA:dst_interface}:%{IP:dst_ip}/%{INT:dst_port}, reason: %{GREEDYDATA:reason}
CISCOFW419002 %{CISCO_REASON:reason} from %{DATA:src_interface}:%{IP:src_ip}/%{INT:src_port} to %{DATA:dst_interface}:%{IP:dst_ip}/%{INT:dst_port} with different initial sequence number
CISCOFW500004 %{CISCO_REASON:reason} for protocol=%{WORD:protocol}, from %{IP:src_ip}/%{INT:src_port} to %{IP:dst_ip}/%{INT:dst_port}
CISCOFW602303_602304 %{WORD:protocol}: An %{CISCO_DIRECTION:direction} %{GREEDYDATA:tunnel_type} SA \\(SPI= %{DATA:spi}\\) between %{IP:src_ip} and %{IP:dst_ip} \\(user= %{DATA:user}\\) has been %{CISCO_ACTION:action}
CISCOFW609001 %{CISCO_ACTION:action} %{WORD:protocol} %{DATA:src_interface}:%{IP:src_ip}(?:/%{INT:src_port})?%{CISCO_SRC_USER}
CISCOFW609002 %{CISCO_ACTION:action} %{WORD:protocol} %{DATA:src_interface}:%{IP:src_ip}(?:/%{INT:src_port})?%{CISCO_SRC_USER} duration %{TIME:duration}
CISCOFW710001_710002_710003_710005_710006 %{WORD:protocol} (?:request|access) %{CISCO_ACTION:action} from %{IP:src_ip}/%{INT:src_port} to %{DATA:dst_interface}:%{IP:dst_ip}/%{INT:dst_port}
CISCOFW713172 Group = %{GREEDYDATA:group}, IP = %{IP:src_ip}, Automatic NAT Detection Status:\\s+Remote end\\s*(?!\\s)%{DATA:is_remote_natted}\\s*behind a NAT device\\s+This\\s+end\\s*(?!\\s)%{DATA:is_local_natted}\\s*behind a NAT device
CISCOFW733100 \\[\\s*(?!\\s)%{DATA:drop_type}\\s*\\] drop %{DATA:drop_rate_id} exceeded. Current burst rate is %{INT:drop_rate_current_burst} per second, max configured rate is %{INT:drop_rate_max_burst}; Current average rate is %{INT:drop_rate_current_avg} per second, max configured rate is %{INT:drop_rate_max_avg}; Cumulative total count is %{INT:drop_total_count}
`;
