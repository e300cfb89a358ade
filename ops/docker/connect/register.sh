#!/bin/sh
# connect-init (docker-compose.yml): registers every connector config of this folder with the
# Kafka Connect worker. Idempotent: PUT /connectors/<name>/config creates the connector or
# replaces its config, so running it again (or after editing a file) is safe.
# <name> is the file name without .json and must equal the "name" inside the file.
set -eu
worker="${CONNECT_URL:-http://connect:8083}"
dir="$(dirname "$0")"
for file in "$dir"/*.json; do
  name="$(basename "$file" .json)"
  echo "connect-init: $name"
  curl -fsS --retry 10 --retry-all-errors --retry-delay 3 \
       -X PUT -H 'Content-Type: application/json' --data-binary "@$file" \
       "$worker/connectors/$name/config"
  echo
done
curl -fsS "$worker/connectors?expand=status"
echo
