/**
 * The grok patterns of Metron's `/patterns/websphere` (IBM WebSphere DataPower syslog), written
 * anew for this engine with the same names and captures. As in Metron, the file redefines MONTH,
 * DAY, TIME and WORD for the sensor (three-letter months, 1-2 digit days, hh:mm:ss, `\w+`).
 * A line reads `<PRI>Mmm dd hh:mm:ss host [domain][code][type][severity] message`, the domain
 * being optional and the `>` after PRI too (Metron's pattern).
 */
export const WEBSPHERE_PATTERNS = `MONTH \\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|De)\\b
DAY [0-9]{1,2}
TIME [0-9]{2}:[0-9]{2}:[0-9]{2}
TIMESTAMP %{MONTH:UNWANTED}\\s+%{DAY:UNWANTED} %{TIME:UNWANTED}
WORD \\w+
PRIORITY [0-9]+
LOGSTART <%{PRIORITY:priority}>?%{TIMESTAMP:timestamp_string} %{WORD:hostname}
LOGMIDDLE (?:\\[%{WORD:security_domain}\\])?\\[%{WORD:event_code}\\]\\[%{WORD:event_type}\\]\\[%{WORD:severity}\\]
MESSAGE .*
WEBSPHERE %{LOGSTART:UNWANTED} %{LOGMIDDLE:UNWANTED} %{MESSAGE:message}
`;
