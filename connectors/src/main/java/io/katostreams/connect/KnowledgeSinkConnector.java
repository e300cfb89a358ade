package io.katostreams.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * The connector half both knowledge sinks share: it validates the configuration when started
 * (so a bad setting is reported by the REST call that creates the connector, not later by a task)
 * and gives every task the same configuration plus its index.
 *
 * <p>Tasks share nothing: each applies the partitions Connect assigns to it. That is correct
 * because the topology keys knowledge by node and a node's items stay in order within one
 * partition (see connectors/README.md, "Ordering").
 */
abstract class KnowledgeSinkConnector extends SinkConnector {

    private Map<String, String> props = Map.of();

    /** Parses {@code props} with the sink's config class; throws Connect's ConfigException when invalid. */
    abstract void parseConfig(Map<String, String> props);

    @Override
    public void start(Map<String, String> props) {
        parseConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(KnowledgeSinkConfigs.TASK_ID, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        // Nothing to release: the connector holds no client, only its configuration.
    }

    @Override
    public String version() {
        return Version.VERSION;
    }
}
