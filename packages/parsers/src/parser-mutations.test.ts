/**
 * Property check: seeded random mutations of valid lines never make a parser throw; every outcome
 * is messages (each with an integer timestamp) or an error with a reason.
 */
import { describe, expect, it } from 'vitest';
import { findParserDefinition } from './registry.js';
import { mutate, seededRandom } from './test-support/mutate.js';
import { conformancePath, readJson, readLines } from './test-support/conformance.js';
import { createSensorParser } from './sensor-parser.js';

const MUTATIONS = 500;

const schemaSample = (file: string): string[] => readLines(conformancePath('parsers', '_schema_validated', file));
const yafConfig = readJson(conformancePath('parsers', 'yaf', 'parser_config.json')) as { parserConfig: Record<string, unknown> };
const squidConfig = readJson(conformancePath('parsers', 'squid', 'parser_config.json')) as { parserConfig: Record<string, unknown> };

const cases: [string, Record<string, unknown>, string[]][] = [
  ['JSONMap', {}, readLines(conformancePath('parsers', 'jsonMap', 'raw.txt'))],
  ['JSONMap', { jsonpQuery: '$.foo', wrapInEntityArray: false }, readLines(conformancePath('parsers', 'jsonMapQuery', 'raw.txt'))],
  ['Bro', {}, readLines(conformancePath('parsers', 'bro', 'raw.txt'))],
  ['Grok', yafConfig.parserConfig, readLines(conformancePath('parsers', 'yaf', 'raw.txt'))],
  ['Grok', squidConfig.parserConfig, readLines(conformancePath('parsers', 'squid', 'raw.txt'))],
  ['CEF', {}, [...readLines(conformancePath('parsers', 'cef_cyberark', 'raw.txt')), ...schemaSample('cef_palo.raw.txt'), ...schemaSample('cef_waf.raw.txt')]],
  ['LEEF', {}, schemaSample('leef_sample.raw.txt')],
  [
    'CSV',
    { columns: { action: 0, ip_src_addr: 1, ip_dst_addr: 2, bytes: 3, timestamp: 4 } },
    ['allow,10.0.0.1,203.0.113.9,1200,1718000000000', 'deny,"10.0.0.2",198.51.100.7,"0",1718000000500', 'allow,10.0.0.3,192.0.2.44,88,1718000001000'],
  ],
  [
    'RegularExpressions',
    {
      convertCamelCaseToUnderScore: true,
      recordTypeRegex: '(?<process>(?<=\\s)\\b(sshd|kernel)\\b(?=\\[|:))',
      messageHeaderRegex: '(?<syslogpriority>(?<=^<)\\d{1,4}(?=>)).*?(?<timestamp>(?<=>)[A-Za-z]{3}\\s{1,2}\\d{1,2}\\s\\d{1,2}:\\d{1,2}:\\d{1,2}(?=\\s)).*?(?<deviceName>(?<=\\s).*?(?=\\s))',
      fields: [
        { recordType: 'sshd', regex: '.*ip_src_addr=(?<ipSrcAddr>[0-9.]+).*' },
        { recordType: 'kernel', regex: '.*SRC=(?<ipSrcAddr>[0-9.]+).*' },
      ],
    },
    [
      '<38>Jun 14 22:03:11 bastion-1 sshd[24817]: Accepted publickey for deploy ip_src_addr=203.0.113.7 port 52144 ssh2',
      '<4>Mar 31 02:30:01 fw01 kernel: [1234567.890123] IN=eth0 OUT= SRC=198.51.100.9 DST=10.0.0.2',
    ],
  ],
  ['Snort', {}, readLines(conformancePath('parsers', 'snort', 'raw.txt'))],
  ['Syslog5424', { nilPolicy: 'DASH' }, readLines(conformancePath('parsers', 'syslog5424', 'raw.txt'))],
  [
    'Syslog3164',
    { splitTag: true, deviceTimeZone: 'Europe/Paris' },
    [
      '<38>Jun 14 22:03:11 bastion-1 sshd[24817]: Accepted publickey for deploy from 203.0.113.7 port 52144 ssh2',
      '<4>Mar 31 02:30:01 fw01 kernel: [1234567.890123] IN=eth0 OUT= SRC=198.51.100.9',
      '<181>2018-09-14T00:54:09+00:00 ise-1 CISE_RADIUS_Accounting 0018032501 1 0',
    ],
  ],
  [
    'ASA',
    { deviceTimeZone: 'America/New_York' },
    [
      ...readLines(conformancePath('parsers', 'asa', 'raw.txt')),
      '<174>Jan 05 2016 14:52:35 fw-2 progName-2 %ASA-6-302015: Built inbound UDP connection 76245506 for outside:2001:db8:85a3::8a2e:370:7334/49886 (10.22.8.110/49886) to inside:2001:0db8:85a3:0000:0000:8a2e:0370:7334/8612 (192.111.72.8/8612) (user.name)',
      '<165>2016-08-05T01:02:25.5-04:00 fw01 : %ASA-5-106100: access-list inside_in denied tcp inside/10.0.0.5(51234) -> outside/203.0.113.9(443) hit-cnt 1 first hit [0x91c26a3, 0x0]',
    ],
  ],
  [
    'WebSphere',
    { grokPath: '/patterns/websphere', patternLabel: 'WEBSPHERE', timestampField: 'timestamp_string', dateFormat: 'yyyy MMM dd HH:mm:ss' },
    [
      "<133>Apr 15 17:47:28 ABCXML1413 [rojOut][0x81000033][auth][notice] user(rick007): [120.43.200.6]: User logged into 'cohlOut'.",
      "<134>Apr 15 18:02:27 PHIXML3RWD [0x81000019][auth][info] [14.122.2.201]: User 'hjpotter' logged out from 'default'.",
      '<131>Apr 15 17:36:35 ROBXML3QRS [0x80800018][auth][error] rbm(RBM-Settings): trans(3502888135)[request] gtid(3502888135): RBM: Resource access denied.',
      "<134>Apr  5 17:17:34 SAGPXMLQA333 [0x8240001c][audit][info] trans(191): (admin:default:system:*): ntp-service 'NTP Service' - Operational state down",
    ],
  ],
  [
    'PaloAlto',
    {},
    [
      ...readLines(conformancePath('parsers', '_raw_only', 'PaloaltoOutput.txt')).slice(0, 6),
      '1,2018/02/01 21:29:03,001606000007,THREAT,vulnerability,1,2018/02/01 21:29:03,213.211.198.62,172.16.2.6,213.211.198.62,192.168.178.202,Outgoing,,,web-browsing,vsys1,internet,guest,ethernet1/1,ethernet1/2.2,test,2018/02/01 21:29:03,18720,1,80,53161,80,32812,0x402000,tcp,reset-server,"http://www.eicar.org/download/eicar.com",Eicar File Detected(39040),computer-and-internet-info,medium,server-to-client,27438839,0x0,Germany,172.16.0.0-172.31.255.255,0,,0,,,9,,,,,,,,0,0,0,0,0,,PAN1,,,,,0,,0,,N/A,code-execution,AppThreat-771-4450,0x0',
      '1,2018/02/01 21:24:11,001606000007,TRAFFIC,end,1,2018/02/01 21:24:11,172.16.2.31,134.19.6.22,192.168.18.2,134.19.6.22,Outgoing,,,ssl,vsys1,guest,internet,ethernet1/2.2,ethernet1/1,test,2018/02/01 21:24:11,19468,1,41537,443,12211,443,0x40001c,tcp,allow,7936,1731,6205,24,2018/02/01 21:00:42,1395,computer-and-internet-info,0,62977478,0x0,172.16.0.0-172.31.255.255,United States,0,14,10,tcp-rst-from-client,0,0,0,0,,PAN1,from-policy,,,0,,0,,N/A',
      '1,2017/08/11 12:37:58,008900008659,CONFIG,0,1,2017/08/11 11:37:58,192.168.14.162,vsys1,edit,admin,Web,Succeeded,config shared log-settings config,/FatherNode/KidNode/GrandsonNode1,/FatherNode/KidNode/GrandsonNode2,1354,0x0,12,34,45,0,virSys1,dev-something200-01',
      '1,2017/08/11 12:37:58,008900008659,SYSTEM,general,1,2017/08/11 11:37:58,vsys1,eventId_test,object_test,Futureuse1_test,futureuse2_test,management,high,Description_test,1354,0x0',
    ],
  ],
  ['FireEye', {}, [...schemaSample('FireEyeParserTest.raw.txt'), ...readLines(conformancePath('parsers', '_raw_only', 'FireeyeExampleOutput.txt')).slice(0, 8)]],
  ['ISE', {}, readLines(conformancePath('parsers', '_raw_only', 'ISESampleOutput.txt')).filter((_, i) => i % 25 === 0)],
  ['Lancope', {}, [...schemaSample('LancopeParserTest.raw.txt'), ...readLines(conformancePath('parsers', '_raw_only', 'LancopeExampleOutput.txt')).slice(0, 4)]],
  ['Sourcefire', {}, [...schemaSample('SourcefireParserTest.raw.txt'), ...readLines(conformancePath('parsers', '_raw_only', 'SourcefireExampleOutput.txt'))]],
  [
    'Logstash',
    {},
    [
      '{"message":"Jul 17 15:59:01 fw01 DROP IN=eth0 SRC=10.0.0.5 DST=192.0.2.7","@version":"1","@timestamp":"2014-07-17T15:56:05.992Z","type":"iptables","host":"shipper-1","tags":["fw"],"src_ip":"10.0.0.5","dst_ip":"192.0.2.7","src_port":51514,"dst_port":443}',
      '{"message":"GET /index.html 200","@version":"1","@timestamp":"2019-03-02T08:15:00.010Z","type":"nginx","host":"web-2","src_ip":"198.51.100.23","bytes":5120,"agent":"curl/7.64.0"}',
      '{"@timestamp":"2020-12-31T23:59:59.999Z","type":"beat","dst_ip":"203.0.113.80","dst_port":"22","user":{"name":"deploy"}}',
    ],
  ],
  [
    'Zeek',
    {
      path: 'conn',
      fields: ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"],
      types: ["time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count", "count", "string", "bool", "bool", "count", "string", "count", "count", "count", "count", "set[string]"],
    },
    // one parser reads them in turn: TSV data, JSON, and header lines that change the layout
    [
      "1710234005.118544\tCHhAvVGS1DHFjwGM9\t10.20.30.41\t52311\t93.184.216.34\t443\ttcp\tssl\t12.409512\t1875\t48211\tSF\tT\tF\t0\tShADadFf\t38\t3423\t44\t50503\t(empty)",
      "1710234007.301225\tC4J4Th3PJpwUYZZ6gc\t10.20.30.41\t61532\t10.20.0.53\t53\tudp\tdns\t0.021302\t38\t54\tSF\tT\tT\t0\tDd\t1\t66\t1\t82\t(empty)",
      "1710234023.506390\tCAnFrb2Cvxr5T7quOc\t10.20.30.55\t49822\t198.51.100.23\t8080\ttcp\thttp\t0.812205\t412\t18766\tRSTO\tT\tF\t1448\tShADadR\t9\t888\t15\t19554\tCUM0KZ3MLUfNB0cl11",
      "{\"ts\":1710234005.118544,\"uid\":\"CHhAvVGS1DHFjwGM9\",\"id.orig_h\":\"10.20.30.41\",\"id.orig_p\":52311,\"id.resp_h\":\"93.184.216.34\",\"id.resp_p\":443,\"proto\":\"tcp\",\"service\":\"ssl\",\"duration\":12.409512,\"orig_bytes\":1875,\"resp_bytes\":48211,\"conn_state\":\"SF\",\"local_orig\":true,\"local_resp\":false,\"missed_bytes\":0,\"history\":\"ShADadFf\",\"orig_pkts\":38,\"orig_ip_bytes\":3423,\"resp_pkts\":44,\"resp_ip_bytes\":50503,\"tunnel_parents\":[]}",
      "{\"ts\":1710234040.004571,\"uid\":\"C9cY1Q2c5eOTjC1Sxa\",\"id.orig_h\":\"10.20.30.72\",\"id.orig_p\":51877,\"id.resp_h\":\"93.184.216.34\",\"id.resp_p\":80,\"trans_depth\":2,\"method\":\"GET\",\"host\":\"www.example.com\",\"uri\":\"/café/menü.html?q=a\\tb\",\"referrer\":\"http://www.example.com/\",\"version\":\"1.1\",\"user_agent\":\"curl/8.5.0\",\"request_body_len\":0,\"response_body_len\":5123,\"status_code\":200,\"status_msg\":\"OK\",\"tags\":[\"HTTP::URI_SQLI\"],\"username\":\"alice\",\"password\":\"-\",\"proxied\":[\"X-FORWARDED-FOR -> 10.1.1.1\"],\"resp_fuids\":[\"F7nE8e1Jr3pFS5pW3l\",\"Fb1mH83yN1IfBvIT4e\"],\"resp_filenames\":[\"report,final.pdf\",\"(empty)\"],\"resp_mime_types\":[\"application/pdf\",\"text/plain\"]}",
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected",
      "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool",
      "1710234007.301225\tC4J4Th3PJpwUYZZ6gc\t10.20.30.41\t61532\t10.20.0.53\t53\tudp\t48212\t0.021302\twww.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t93.184.216.34\t3600.000000\tF",
      "1710234008.771003\tCJc6Ex2mQ0Udkc8Nzb\t10.20.30.41\t55831\t10.20.0.53\t53\tudp\t5120\t0.045511\toutlook.office365.com\t1\tC_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tT\tT\t0\toutlook.ha.office365.com,outlook.ms-acdc.office.com,2603:1036:304:2858::2\t33.000000,19.000000,300.000000\tF",
      "#separator \\x09",
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents",
      "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]",
      "1710234011.000000\tCmES5u32sYpV7JYN\t192.168.1.77\t22\t203.0.113.9\t58431\ttcp\t-\t-\t-\t-\tS0\tF\tF\t0\tS\t1\t60\t0\t0\t(empty)",
    ],
  ],
  ['Suricata', {}, ["{\"timestamp\":\"2024-03-12T09:14:22.331942+0000\",\"flow_id\":1484385536290553856,\"in_iface\":\"ens192\",\"event_type\":\"alert\",\"src_ip\":\"10.20.30.61\",\"src_port\":50211,\"dest_ip\":\"203.0.113.80\",\"dest_port\":80,\"proto\":\"TCP\",\"pkt_src\":\"wire/pcap\",\"community_id\":\"1:LQU9qZlK+B5F3KDmev6m5PMibrg=\",\"tx_id\":0,\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2024897,\"rev\":4,\"signature\":\"ET MALWARE Observed Malicious Gate POST\",\"category\":\"A Network Trojan was detected\",\"severity\":1,\"metadata\":{\"affected_product\":[\"Windows_XP_Vista_7_8_10_Server_32_64_Bit\"],\"attack_target\":[\"Client_Endpoint\"],\"created_at\":[\"2017_10_25\"],\"deployment\":[\"Perimeter\"],\"signature_severity\":[\"Major\"],\"updated_at\":[\"2023_08_21\"]}},\"http\":{\"hostname\":\"203.0.113.80\",\"url\":\"/gate.php\",\"http_user_agent\":\"Mozilla/4.0 (compatible; MSIE 8.0)\",\"http_content_type\":\"application/octet-stream\",\"http_method\":\"POST\",\"protocol\":\"HTTP/1.1\",\"status\":404,\"length\":0},\"app_proto\":\"http\",\"direction\":\"to_server\",\"flow\":{\"pkts_toserver\":4,\"pkts_toclient\":3,\"bytes_toserver\":1418,\"bytes_toclient\":402,\"start\":\"2024-03-12T09:14:22.101002+0000\",\"src_ip\":\"10.20.30.61\",\"dest_ip\":\"203.0.113.80\",\"src_port\":50211,\"dest_port\":80}}", "{\"timestamp\":\"2024-03-12T09:16:41.772210+0000\",\"flow_id\":2262357410355347721,\"in_iface\":\"ens192\",\"event_type\":\"alert\",\"src_ip\":\"10.20.30.58\",\"src_port\":60112,\"dest_ip\":\"10.20.0.53\",\"dest_port\":53,\"proto\":\"UDP\",\"tx_id\":0,\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2027863,\"rev\":3,\"signature\":\"ET INFO Observed DNS Query to .top TLD\",\"category\":\"Potentially Bad Traffic\",\"severity\":2},\"dns\":{\"query\":[{\"type\":\"query\",\"id\":29871,\"rrname\":\"x7qk2mz9w.badcdn.top\",\"rrtype\":\"TXT\",\"tx_id\":0,\"opcode\":0}]},\"app_proto\":\"dns\"}", "{\"timestamp\":\"2024-03-12T09:16:07.322527+0000\",\"flow_id\":604183321339512,\"in_iface\":\"ens192\",\"event_type\":\"dns\",\"src_ip\":\"10.20.0.53\",\"src_port\":53,\"dest_ip\":\"10.20.30.41\",\"dest_port\":61532,\"proto\":\"UDP\",\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":48212,\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,\"rrname\":\"www.example.com\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\",\"answers\":[{\"rrname\":\"www.example.com\",\"rrtype\":\"A\",\"ttl\":3600,\"rdata\":\"93.184.216.34\"}],\"grouped\":{\"A\":[\"93.184.216.34\"]}}}", "{\"timestamp\":\"2024-03-12T09:16:52.803334+0000\",\"flow_id\":1484385536290553856,\"in_iface\":\"ens192\",\"event_type\":\"tls\",\"src_ip\":\"10.20.30.41\",\"src_port\":52311,\"dest_ip\":\"93.184.216.34\",\"dest_port\":443,\"proto\":\"TCP\",\"tls\":{\"subject\":\"C=US, ST=California, L=Los Angeles, O=Internet Corporation for Assigned Names and Numbers, CN=www.example.org\",\"issuerdn\":\"C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1\",\"serial\":\"0F:D4:D2:6B:8E:8A:4C:0F:2D:5E:0A:1B:7F:6C:3E:21\",\"fingerprint\":\"a0:31:c4:67:82:e6:e6:c6:62:c2:c8:7c:76:da:9a:a6:2c:ca:bd:8e\",\"sni\":\"www.example.com\",\"version\":\"TLS 1.3\",\"notbefore\":\"2024-01-12T00:00:00\",\"notafter\":\"2025-02-10T23:59:59\",\"ja3\":{\"hash\":\"cd08e31494f9531f560d64c695473da9\",\"string\":\"771,4865-4866-4867-49195,0-23-65281-10-11-35-16-5-13-18-51-45-43-27-21,29-23-24,0\"},\"ja3s\":{\"hash\":\"f4febc55ea12b31ae17cfb7e614afda8\",\"string\":\"772,4866,43-51\"}}}", "{\"timestamp\":\"2024-03-12T09:19:09.013120+0000\",\"flow_id\":1149027614451400,\"event_type\":\"anomaly\",\"src_ip\":\"10.20.30.72\",\"src_port\":51880,\"dest_ip\":\"93.184.216.34\",\"dest_port\":80,\"proto\":\"TCP\",\"app_proto\":\"http\",\"anomaly\":{\"app_proto\":\"http\",\"type\":\"applayer\",\"event\":\"UNABLE_TO_MATCH_RESPONSE_TO_REQUEST\",\"layer\":\"proto_parser\"}}", "{\"timestamp\":\"2024-03-12T09:30:00.000412+0000\",\"event_type\":\"stats\",\"stats\":{\"uptime\":86402,\"capture\":{\"kernel_packets\":412889113,\"kernel_drops\":1207,\"errors\":0},\"decoder\":{\"pkts\":412887906,\"bytes\":391226773120,\"invalid\":12,\"ipv4\":401118331,\"ipv6\":11769575,\"ethernet\":412887906,\"tcp\":338112020,\"udp\":73802001,\"icmpv4\":961442,\"icmpv6\":12443,\"avg_pkt_size\":947,\"max_pkt_size\":1514},\"flow\":{\"memuse\":67108864,\"tcp\":1289,\"udp\":771},\"detect\":{\"engines\":[{\"id\":0,\"last_reload\":\"2024-03-11T09:30:00.000000+0000\",\"rules_loaded\":41233,\"rules_failed\":2}],\"alert\":1774},\"app_layer\":{\"flow\":{\"http\":11023,\"tls\":92210,\"dns_udp\":301123}}}}"]],
  ['Winlogbeat', {}, ["{\"@timestamp\":\"2024-03-12T09:41:02.113Z\",\"agent\":{\"type\":\"winlogbeat\",\"version\":\"7.17.18\",\"hostname\":\"DC01\",\"ephemeral_id\":\"6b4f1e29-3c1a-4d7e-9a50-2f1c7d8e9b01\",\"id\":\"0d3e8f52-7a11-4c5b-b2d9-8e61f0c4a7d3\",\"name\":\"DC01\"},\"ecs\":{\"version\":\"1.12.0\"},\"host\":{\"name\":\"DC01.corp.example\"},\"event\":{\"code\":4625,\"kind\":\"event\",\"provider\":\"Microsoft-Windows-Security-Auditing\",\"action\":\"logon-failed\",\"category\":[\"authentication\"],\"type\":[\"start\"],\"outcome\":\"failure\",\"module\":\"security\"},\"winlog\":{\"channel\":\"Security\",\"event_id\":4625,\"provider_name\":\"Microsoft-Windows-Security-Auditing\",\"record_id\":9812361,\"computer_name\":\"DC01.corp.example\",\"keywords\":[\"Audit Failure\"],\"opcode\":\"Info\",\"api\":\"wineventlog\",\"task\":\"Logon\",\"event_data\":{\"TargetUserName\":\"administrator\",\"TargetDomainName\":\"CORP\",\"Status\":\"0xc000006d\",\"SubStatus\":\"0xc000006a\",\"LogonType\":\"3\",\"LogonProcessName\":\"NtLmSsp \",\"AuthenticationPackageName\":\"NTLM\",\"WorkstationName\":\"KALI\",\"IpAddress\":\"185.220.101.45\",\"IpPort\":\"43190\"},\"logon\":{\"type\":\"Network\",\"failure\":{\"reason\":\"Unknown user name or bad password.\",\"status\":\"This is either due to a bad username or authentication information\",\"sub_status\":\"User logon with misspelled or bad password\"}}},\"source\":{\"ip\":\"185.220.101.45\",\"port\":43190,\"domain\":\"KALI\"},\"user\":{\"name\":\"administrator\",\"domain\":\"CORP\"},\"log\":{\"level\":\"information\"},\"message\":\"An account failed to log on.\"}", "{\"@timestamp\":\"2024-03-12T09:42:19.002Z\",\"agent\":{\"type\":\"winlogbeat\",\"version\":\"7.17.18\",\"hostname\":\"WS-0417\",\"name\":\"WS-0417\"},\"ecs\":{\"version\":\"1.12.0\"},\"host\":{\"name\":\"WS-0417.corp.example\"},\"event\":{\"code\":3,\"kind\":\"event\",\"provider\":\"Microsoft-Windows-Sysmon\",\"action\":\"Network connection detected (rule: NetworkConnect)\",\"category\":[\"network\"],\"type\":[\"connection\",\"start\",\"protocol\"],\"module\":\"sysmon\"},\"winlog\":{\"channel\":\"Microsoft-Windows-Sysmon/Operational\",\"event_id\":3,\"provider_name\":\"Microsoft-Windows-Sysmon\",\"record_id\":220117,\"computer_name\":\"WS-0417.corp.example\",\"process\":{\"pid\":3012,\"thread\":{\"id\":4468}},\"user\":{\"identifier\":\"S-1-5-18\",\"name\":\"SYSTEM\",\"domain\":\"NT AUTHORITY\",\"type\":\"User\"},\"api\":\"wineventlog\",\"task\":\"Network connection detected (rule: NetworkConnect)\",\"version\":5,\"event_data\":{\"RuleName\":\"technique_id=T1059.001,technique_name=PowerShell\",\"SourceIsIpv6\":\"false\",\"SourceHostname\":\"WS-0417.corp.example\",\"DestinationIsIpv6\":\"false\",\"DestinationHostname\":\"-\",\"DestinationPortName\":\"https\"}},\"process\":{\"pid\":8812,\"entity_id\":\"{6c1d7a2e-2b3d-65f0-5a04-000000001200}\",\"executable\":\"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe\",\"name\":\"powershell.exe\"},\"network\":{\"transport\":\"tcp\",\"protocol\":\"https\",\"direction\":\"egress\",\"type\":\"ipv4\",\"community_id\":\"1:wCb3OG7yAFWelaUydu0D+125CLM=\"},\"source\":{\"ip\":\"10.20.30.77\",\"port\":50321,\"domain\":\"WS-0417.corp.example\"},\"destination\":{\"ip\":\"198.51.100.200\",\"port\":443},\"user\":{\"name\":\"bob\",\"domain\":\"CORP\"},\"related\":{\"user\":[\"bob\"],\"ip\":[\"10.20.30.77\",\"198.51.100.200\"]},\"log\":{\"level\":\"information\"},\"message\":\"Network connection detected:\\nRuleName: technique_id=T1059.001,technique_name=PowerShell\"}", "{\"@timestamp\":\"2024-03-12T09:45:30.018Z\",\"agent\":{\"type\":\"winlogbeat\",\"version\":\"8.12.2\",\"name\":\"FS01\"},\"ecs\":{\"version\":\"8.0.0\"},\"host\":{\"name\":\"FS01.corp.example\"},\"event\":{\"code\":\"5156\",\"kind\":\"event\",\"provider\":\"Microsoft-Windows-Security-Auditing\",\"action\":\"Filtering Platform Connection\",\"outcome\":\"success\"},\"winlog\":{\"channel\":\"Security\",\"event_id\":\"5156\",\"provider_name\":\"Microsoft-Windows-Security-Auditing\",\"record_id\":\"3311209\",\"computer_name\":\"FS01.corp.example\",\"keywords\":[\"Audit Success\"],\"opcode\":\"Info\",\"api\":\"wineventlog\",\"task\":\"Filtering Platform Connection\",\"version\":1,\"event_data\":{\"ProcessID\":\"4\",\"Application\":\"System\",\"Direction\":\"%%14592\",\"SourceAddress\":\"10.20.0.12\",\"SourcePort\":\"445\",\"DestAddress\":\"10.20.30.41\",\"DestPort\":\"50112\",\"Protocol\":\"6\",\"FilterRTID\":\"70331\",\"LayerName\":\"%%14610\",\"LayerRTID\":\"44\",\"RemoteUserID\":\"S-1-0-0\",\"RemoteMachineID\":\"S-1-0-0\"}},\"log\":{\"level\":\"information\"},\"message\":\"The Windows Filtering Platform has permitted a connection.\"}", "{\"@timestamp\":\"2019-11-07T10:02:31.000Z\",\"beat\":{\"name\":\"DC01\",\"hostname\":\"DC01\",\"version\":\"6.8.23\"},\"host\":{\"name\":\"DC01\"},\"computer_name\":\"DC01.corp.example\",\"event_id\":4624,\"level\":\"Information\",\"log_name\":\"Security\",\"source_name\":\"Microsoft-Windows-Security-Auditing\",\"provider_guid\":\"{54849625-5478-4994-A5BA-3E3B0328C30D}\",\"record_number\":\"1571023\",\"process_id\":668,\"thread_id\":3160,\"opcode\":\"Info\",\"task\":\"Logon\",\"keywords\":[\"Audit Success\"],\"type\":\"wineventlog\",\"version\":2,\"event_data\":{\"SubjectUserSid\":\"S-1-0-0\",\"SubjectUserName\":\"-\",\"TargetUserSid\":\"S-1-5-21-3623811015-3361044348-30300820-1104\",\"TargetUserName\":\"alice\",\"TargetDomainName\":\"CORP\",\"TargetLogonId\":\"0x1bd9b3c\",\"LogonType\":\"3\",\"LogonProcessName\":\"NtLmSsp \",\"AuthenticationPackageName\":\"NTLM\",\"WorkstationName\":\"WS-0417\",\"IpAddress\":\"10.20.30.77\",\"IpPort\":\"51244\"},\"message\":\"An account was successfully logged on.\"}", "{\"@timestamp\":\"2019-11-07T10:06:45.512Z\",\"beat\":{\"name\":\"WS-0417\",\"hostname\":\"WS-0417\",\"version\":\"6.8.23\"},\"host\":{\"name\":\"WS-0417\"},\"computer_name\":\"WS-0417.corp.example\",\"event_id\":3,\"level\":\"Information\",\"log_name\":\"Microsoft-Windows-Sysmon/Operational\",\"source_name\":\"Microsoft-Windows-Sysmon\",\"provider_guid\":\"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}\",\"record_number\":\"102211\",\"process_id\":3012,\"thread_id\":4468,\"task\":\"Network connection detected (rule: NetworkConnect)\",\"type\":\"wineventlog\",\"version\":5,\"event_data\":{\"UtcTime\":\"2019-11-07 10:06:44.391\",\"ProcessGuid\":\"{6c1d7a2e-2b3d-5dc3-5a04-000000001200}\",\"ProcessId\":\"8812\",\"Image\":\"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe\",\"User\":\"CORP\\\\bob\",\"Protocol\":\"tcp\",\"Initiated\":\"true\",\"SourceIsIpv6\":\"false\",\"SourceIp\":\"10.20.30.77\",\"SourceHostname\":\"WS-0417.corp.example\",\"SourcePort\":\"50321\",\"DestinationIsIpv6\":\"false\",\"DestinationIp\":\"198.51.100.200\",\"DestinationPort\":\"443\",\"DestinationPortName\":\"https\"},\"user\":{\"identifier\":\"S-1-5-18\",\"name\":\"SYSTEM\",\"domain\":\"NT AUTHORITY\",\"type\":\"User\"},\"message\":\"Network connection detected:\\nProcessId: 8812\"}"]],
];

describe.each(cases)('%s parser under random mutations', (name, config, lines) => {
  it(`${MUTATIONS} mutations never throw`, () => {
    const parser = findParserDefinition(name)!.build(config, `parsers/${name}.json`);
    const random = seededRandom(0x5eed + name.length);
    let ok = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const text = mutate(lines[i % lines.length]!, random);
      let outcome;
      try {
        outcome = parser.parse(text, { now: Date.UTC(2024, 5, 15) });
      } catch (err) {
        throw new Error(`threw on ${JSON.stringify(text)}: ${String(err)}`);
      }
      if (outcome.ok) {
        ok++;
        // a message without a timestamp is the sensor parser's to refuse (validation), not a crash
        for (const m of outcome.messages) if (m['timestamp'] !== undefined) expect(Number.isInteger(m['timestamp']), JSON.stringify(text)).toBe(true);
      } else {
        expect(outcome.reason.length).toBeGreaterThan(0);
      }
    }
    // the mutations should exercise both outcomes
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(MUTATIONS);
  });
});

describe.each(cases)('%s sensor parser on random bytes and mutated lines', (name, config, lines) => {
  it('every record ends as messages or as errors holding its exact raw bytes', () => {
    const sensor = createSensorParser('fuzz', { parserClassName: name, parserConfig: config });
    const random = seededRandom(0xb17e5 + name.length);
    for (let i = 0; i < 300; i++) {
      let raw: Buffer;
      if (i % 3 === 0) {
        // random bytes, invalid UTF-8 included
        raw = Buffer.alloc(1 + Math.floor(random() * 200));
        for (let j = 0; j < raw.length; j++) raw[j] = Math.floor(random() * 256);
      } else {
        raw = Buffer.from(mutate(lines[i % lines.length]!, random), 'utf8');
      }
      let result;
      try {
        result = sensor.parse(raw, { guid: (n) => `g-${i}-${n}`, now: Date.UTC(2024, 5, 15) });
      } catch (err) {
        throw new Error(`threw on ${raw.toString('base64')}: ${String(err)}`);
      }
      // no filter is configured, so nothing may vanish: a record without output is an error, or a
      // header line the parser says it skipped
      if (result.skipped === undefined) expect(result.messages.length + result.errors.length, raw.toString('base64')).toBeGreaterThan(0);
      else expect(result.messages.length + result.errors.length).toBe(0);
      for (const e of result.errors) {
        expect(e.reason.length).toBeGreaterThan(0);
        expect(Buffer.compare(e.raw, raw), 'error keeps the raw bytes').toBe(0);
      }
      for (const m of result.messages) {
        expect(typeof m['original_string']).toBe('string');
        expect(Number.isInteger(m['timestamp'])).toBe(true);
        expect(m['source.type']).toBe('fuzz');
      }
    }
  });
});
