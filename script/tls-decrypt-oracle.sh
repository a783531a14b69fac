#!/usr/bin/env bash
# tls-decrypt-oracle.sh: tshark's answer for each decryption fixture: per frame with TLS or HTTP, the fields
# the conformance test compares (tab-separated, multi-values joined with ","), decrypting with X.keys.
# Usage: bash script/tls-decrypt-oracle.sh [FILE.pcapng ...]   (default: test/fixtures/captures/tls-decrypt/*)
set -euo pipefail
cd "$(dirname "$0")/.."
TSHARK=${TSHARK:-tshark}
FIELDS=(frame.number tcp.stream tls.handshake.type tls.record.content_type http.request.method http.request.uri
  http.response.code http2.type http2.streamid http2.headers.method http2.headers.path http2.headers.status _ws.col.Info)
EARGS=(); for f in "${FIELDS[@]}"; do EARGS+=(-e "$f"); done
files=("$@"); [ ${#files[@]} -gt 0 ] || files=(test/fixtures/captures/tls-decrypt/*.pcapng)
CFG=$(mktemp -d); trap 'rm -rf "$CFG"' EXIT
for cap in "${files[@]}"; do
  keys="${cap%.pcapng}.keys"
  KEYOPT=(); [ -f "$keys" ] && KEYOPT=(-o "tls.keylog_file:$keys")
  WIRESHARK_CONFIG_DIR="$CFG" "$TSHARK" -n -r "$cap" "${KEYOPT[@]}" \
    -o tls.desegment_ssl_records:TRUE -o tls.desegment_ssl_application_data:TRUE \
    -o tcp.desegment_tcp_streams:TRUE -o tcp.reassemble_out_of_order:FALSE -o tcp.no_subdissector_on_error:TRUE \
    -Y 'tls or http or http2' -T fields -E occurrence=a -E aggregator=, -E separator=/t "${EARGS[@]}" \
    2>/dev/null >"${cap%.pcapng}.tshark.tsv"
  echo "$cap: $(wc -l <"${cap%.pcapng}.tshark.tsv") frames" >&2
done
