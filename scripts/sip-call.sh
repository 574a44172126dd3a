#!/usr/bin/env bash
# A caller for trying the hotline's phone line by hand, with sipp (Debian's sip-tester; run as root: sipp sends
# the keys and the voice from its recorded RTP files through a raw socket).
#
#   scripts/sip-call.sh [--to HOST:PORT] STEP...
#
# Steps, in order:  a key or keys (e.g. 2, 00000138, '#')  ·  wait:SECONDS  ·  speak (7 s of a recorded voice)
#                   ·  listen (stay until the hotline hangs up, up to 3 minutes; otherwise the caller hangs up at the end)
#
#   scripts/sip-call.sh wait:2 2 wait:2 2 wait:14 speak '#' wait:2 1 listen      # record a complaint, hear its number
#   scripts/sip-call.sh wait:2 2 wait:2 3 wait:3 00000138 wait:16 1 listen       # query a work order's status
#   scripts/sip-call.sh wait:2 1 wait:8 speak wait:5                              # talk to an agent
set -euo pipefail
target=127.0.0.1:5060
if [[ ${1:-} == --to ]]; then target=$2; shift 2; fi
(($#)) || { sed -n '2,13p' "$0"; exit 2; }
command -v sipp >/dev/null || { echo "sip-call.sh: please install sipp (apt-get install sip-tester)" >&2; exit 1; }
pcaps=/usr/share/sip-tester
dir=$(mktemp -d /tmp/hotline-call.XXXXXX)
trap 'rm -rf "$dir"' EXIT

steps=""
listen=false
for step in "$@"; do
    case $step in
        wait:*) steps+="<pause milliseconds=\"$(awk -v s="${step#wait:}" 'BEGIN{printf "%d", s*1000}')\"/>"$'\n' ;;
        speak) steps+="<nop><action><exec play_pcap_audio=\"$pcaps/g711a.pcap\"/></action></nop><pause milliseconds=\"7300\"/>"$'\n' ;;
        listen) listen=true ;;
        *)
            for ((i = 0; i < ${#step}; i++)); do
                key=${step:i:1}
                case $key in '#') key=pound ;; '*') key=star ;; [0-9]) ;; *) echo "sip-call.sh: unknown step '$step'" >&2; exit 2 ;; esac
                # 500 ms apart: a recorded key repeats its timestamp, so the same key twice needs a gap between.
                steps+="<nop><action><exec play_pcap_audio=\"$pcaps/dtmf_2833_$key.pcap\"/></action></nop><pause milliseconds=\"500\"/>"$'\n'
            done ;;
    esac
done

dialog='From: "caller" <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]'
if $listen; then
    ending='<recv request="BYE" timeout="180000"/>
<send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>'
else
    ending="<send retrans=\"500\"><![CDATA[
BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
$dialog
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0
]]></send>
<recv response=\"200\"/>"
fi

cat >"$dir/call.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="hotline caller">
<send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "caller" <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:13800138000@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=caller 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8 101
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
]]></send>
<recv response="100" optional="true"/>
<recv response="180" optional="true"/>
<recv response="200"/>
<send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
$dialog
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0
]]></send>
$steps
$ending
</scenario>
XML
echo "Calling sip:12345@$target as 13800138000 ..."
(cd "$dir" && sipp "$target" -sf call.xml -s 12345 -m 1 -i 127.0.0.1 -mi 127.0.0.1 -timeout 300s -timeout_error -nostdin -trace_err >/dev/null 2>&1) \
    && echo "Call completed." \
    || { echo "The call failed; sipp said:" >&2; cat "$dir"/*_errors.log >&2 2>/dev/null || true; exit 1; }
