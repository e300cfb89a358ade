#!/usr/bin/env bash
# kafka-init (docker-compose.secured.yml): one-shot, idempotent. Creates the SCRAM-SHA-512
# credentials of KATO's three principals and grants each the ACLs it needs (docs/production.md,
# "Kafka ACLs"). Runs as the super user `admin`. Re-running it resets the passwords to the
# current variables and re-adds the same ACLs (adding an existing ACL is a no-op).
set -euo pipefail
bin=/opt/kafka/bin
bs="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
prefix="${KATO_TOPIC_PREFIX:-kato.}"
app="${KATO_APPLICATION_ID:-kato-streams}"
cfg="$(mktemp /tmp/kafka-admin-XXXXXX)"
trap 'rm -f "$cfg"' EXIT
bash /secured/kafka-admin-properties "$cfg"

user() { # name password-variable
  local pw="${!2:?$2 is not set}"
  case "$pw" in *,*|*\]*|*\[*|*=*) echo "kafka-init: $2 must not contain , = [ or ]" >&2; exit 2 ;; esac
  "$bin/kafka-configs.sh" --bootstrap-server "$bs" --command-config "$cfg" --alter \
    --entity-type users --entity-name "$1" --add-config "SCRAM-SHA-512=[iterations=8192,password=$pw]"
}
acl() { # principal, then kafka-acls.sh arguments
  local who="$1"; shift
  "$bin/kafka-acls.sh" --bootstrap-server "$bs" --command-config "$cfg" --add --force \
    --allow-principal "User:$who" "$@" > /dev/null
}

user kato-topology KATO_KAFKA_TOPOLOGY_PASSWORD
user kato-bridge KATO_KAFKA_BRIDGE_PASSWORD
user kato-connect KATO_KAFKA_CONNECT_PASSWORD

# The topology: creates and uses the KATO topics, its internal topics, its consumer groups
# (<application id>, <application id>-redis-mirror) and transactional ids (exactly_once_v2).
acl kato-topology --operation All --topic "$prefix" --resource-pattern-type prefixed
acl kato-topology --operation All --topic "$app" --resource-pattern-type prefixed
acl kato-topology --operation All --group "$app" --resource-pattern-type prefixed
acl kato-topology --operation All --transactional-id "$app" --resource-pattern-type prefixed
# The bridge: writes kato.commands, reads kato.replies and kato.sessions (group-less), describes them.
acl kato-bridge --operation Read --operation Write --operation Describe --topic "$prefix" --resource-pattern-type prefixed
# The Connect worker: reads kato.knowledge, writes its dead letters, keeps its own state topics
# (kato-connect.*) and groups (kato-connect, connect-<sink>).
acl kato-connect --operation Read --operation Describe --topic "$prefix" --resource-pattern-type prefixed
acl kato-connect --operation All --topic "${prefix}connect." --resource-pattern-type prefixed
acl kato-connect --operation All --topic kato-connect. --resource-pattern-type prefixed
acl kato-connect --operation All --group kato-connect --resource-pattern-type prefixed
acl kato-connect --operation All --group connect- --resource-pattern-type prefixed
acl kato-connect --operation DescribeConfigs --cluster

echo "kafka-init: principals kato-topology, kato-bridge, kato-connect and their ACLs are in place"
