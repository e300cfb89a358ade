package io.katostreams.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerProcessTest {

    @Test
    void startsServesAndRestartsEmptyOnTheSamePort() {
        try (RedisServerProcess redis = new RedisServerProcess().start()) {
            int port = redis.port();
            assertEquals("redis://127.0.0.1:" + port, redis.url());
            withRedis(redis, commands -> {
                assertEquals("PONG", commands.ping());
                commands.set("session:s1", "stm");
                commands.hset("session:s1:emotives", "joy", "1.0");
                assertEquals("stm", commands.get("session:s1"));
                // Persistence off: no snapshots and no append-only file.
                assertEquals("", commands.configGet("save").get("save"));
                assertEquals("no", commands.configGet("appendonly").get("appendonly"));
                return null;
            });

            redis.restart();

            assertEquals(port, redis.port(), "a restart keeps the port");
            withRedis(redis, commands -> {
                assertNull(commands.get("session:s1"), "a restart without a data dir starts empty");
                assertEquals(0L, commands.dbsize());
                return null;
            });

            redis.stop();
            assertFalse(redis.isRunning());
            assertThrows(IOException.class, () -> connect(port), "nothing listens after stop()");
            redis.stop(); // idempotent
        }
    }

    @Test
    void keepsDataAcrossARestartWithADataDir(@TempDir Path dir) {
        int port = FreePorts.pick();
        try (RedisServerProcess redis = new RedisServerProcess(port).dataDir(dir).start()) {
            assertEquals(port, redis.port());
            withRedis(redis, commands -> commands.set("kept", "yes"));
            redis.restart();
            assertEquals("yes", withRedis(redis, commands -> commands.get("kept")));
        }
    }

    @Test
    void runsTheBinaryBundledInEmbeddedRedis() {
        Path bundled = RedisServerProcess.bundledExecutable();
        try (RedisServerProcess redis = new RedisServerProcess().executable(bundled).start()) {
            String info = withRedis(redis, commands -> commands.info("server"));
            assertTrue(info.contains("redis_version:6.2."), "bundled binary is Redis 6.2: " + info);
            assertEquals("", withRedis(redis, commands -> commands.configGet("save").get("save")));
        }
    }

    @Test
    void reportsAProcessThatCannotStart() {
        int port = FreePorts.pick();
        try (RedisServerProcess first = new RedisServerProcess(port).start();
             RedisServerProcess second = new RedisServerProcess(port)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, second::start);
            assertTrue(e.getMessage().contains("exited"), e.getMessage());
            assertFalse(second.isRunning());
            assertTrue(first.isRunning());
        }
    }

    private static <T> T withRedis(RedisServerProcess redis, Function<RedisCommands<String, String>, T> body) {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return body.apply(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
    }
}
