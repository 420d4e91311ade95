#!/usr/bin/env bash
# Makes a private certificate authority for one Atlas cluster and a certificate per node, signed by it.
#
#   deploy/tls/make-certs.sh DIR NODE [NODE...]
#
# Writes DIR/ca.p12 (the CA's key: keep it off the nodes) and DIR/ca.pem, and for each NODE a folder DIR/NODE with
# node.p12 (its key and certificate chain), truststore.p12 (the CA certificate only) and password. Copy DIR/NODE to
# that machine and start it with `atlas cluster start --tls DIR/NODE ...`: Artery then runs over TLS 1.3 with mutual
# authentication, so a process without a certificate of this CA cannot join. The same folder serves the dashboard
# (atlas dashboard --tls) and a live runner's endpoints (atlas live start --http-tls) over HTTPS; the certificate
# names NODE (a host name or an IP address), which clients check. Only the JDK's keytool is needed.
# The password is ATLAS_TLS_PASSWORD, or a random one written to each node's password file (mode 600).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 DIR NODE [NODE...]" >&2
  exit 2
fi
dir="$1"; shift
pw="${ATLAS_TLS_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}"
days=825
mkdir -p "$dir"
if [ ! -f "$dir/ca.p12" ]; then
  keytool -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=Atlas cluster CA" -ext bc:c \
    -validity "$days" -keystore "$dir/ca.p12" -storetype PKCS12 -storepass "$pw" >/dev/null 2>&1
  keytool -exportcert -alias ca -keystore "$dir/ca.p12" -storepass "$pw" -rfc -file "$dir/ca.pem" >/dev/null 2>&1
  printf '%s' "$pw" > "$dir/ca.password"; chmod 600 "$dir/ca.password"
fi
capw="$(cat "$dir/ca.password")"
for node in "$@"; do
  nd="$dir/$node"
  rm -rf "$nd"; mkdir -p "$nd"
  keytool -genkeypair -alias node -keyalg EC -groupname secp256r1 -dname "CN=$node" -validity "$days" \
    -keystore "$nd/node.p12" -storetype PKCS12 -storepass "$pw" >/dev/null 2>&1
  keytool -certreq -alias node -keystore "$nd/node.p12" -storepass "$pw" -file "$nd/node.csr" >/dev/null 2>&1
  # the node's name as a subject alternative name, so HTTPS clients (the dashboard, a live runner) can check it
  # and this machine's loopback names, which a server bound to 0.0.0.0 or 127.0.0.1 prints as its address
  san="dns:$node"; if [[ "$node" =~ ^[0-9.]+$ || "$node" == *:* ]]; then san="ip:$node"; fi
  if [ "$node" != localhost ]; then san="$san,dns:localhost"; fi
  if [ "$node" != 127.0.0.1 ]; then san="$san,ip:127.0.0.1"; fi
  keytool -gencert -alias ca -keystore "$dir/ca.p12" -storepass "$capw" -infile "$nd/node.csr" -outfile "$nd/node.pem" \
    -rfc -validity "$days" -ext ku:c=digitalSignature -ext eku=serverAuth,clientAuth -ext "san=$san" >/dev/null 2>&1
  keytool -importcert -alias ca -file "$dir/ca.pem" -keystore "$nd/node.p12" -storepass "$pw" -noprompt >/dev/null 2>&1
  keytool -importcert -alias node -file "$nd/node.pem" -keystore "$nd/node.p12" -storepass "$pw" >/dev/null 2>&1
  keytool -delete -alias ca -keystore "$nd/node.p12" -storepass "$pw" >/dev/null 2>&1
  keytool -importcert -alias ca -file "$dir/ca.pem" -keystore "$nd/truststore.p12" -storetype PKCS12 \
    -storepass "$pw" -noprompt >/dev/null 2>&1
  rm -f "$nd/node.csr"
  printf '%s' "$pw" > "$nd/password"; chmod 600 "$nd/password"
  echo "$nd: node.p12, truststore.p12, password"
done
