package io.katostreams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console (/console) driven in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, installed by {@code .ci/run}) against the standalone runtime started in
 * this JVM: a node trained through "Try it", a prediction with its missing and extra symbols marked,
 * its pattern opened, a setting changed and the ranking re-rendered, a live observation arriving.
 * Screenshots of the main pages at 1280×800 go to {@code target/console-screenshots/} (the ones in
 * {@code docs/console/} are copies of them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = HeadlessChromium.WAIT;
    private static final String NODE = "console-it";

    @TempDir
    static Path dir;

    private static KatoStandalone kato;
    private static ChromeDriver driver;
    private static String base;
    private static Path shots;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The session the console created in the first test. */
    private static String sessionId;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = KatoStandalone.privateInstance(dir.resolve("data"));
        env.put("KATO_PARTITIONS", "2");
        env.put("KATO_METRICS_PORT", "0");
        kato = KatoStandalone.start(env);
        base = "http://localhost:" + kato.restPort();

        driver = HeadlessChromium.start();
        viewport(1280, 800);
        shots = Path.of("target", "console-screenshots");
        Files.createDirectories(shots);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (kato != null) {
            kato.close();
        }
    }

    @Test
    @Order(1)
    void trainANodeThroughTryIt() throws Exception {
        driver.get(base + "/console#/try");
        type(By.id("try-node"), NODE);
        driver.findElement(By.id("try-start")).click();
        await("a session is started", () -> text(By.id("try-session")).contains("session-"));
        sessionId = driver.findElement(By.cssSelector("#try-session a.mono")).getText();

        observe("hello world", 1);
        observe("foo", 2);
        observe("bar", 3);
        learn();
        observe("hello", 1);
        observe("foo", 2);
        observe("baz", 3);
        learn();
        observe("hello q", 1);
        observe("foo", 2);
        assertTrue(text(By.id("try-stm")).contains("Short-term memory (2 events)"), text(By.id("try-stm")));
        screenshot("try-it");

        // The two learns are the node's patterns, as the console's listing reports.
        await("the catalog lists both patterns", () -> getJson("/console/api/patterns?node_id=" + NODE).get("total").asInt() == 2);
    }

    @Test
    @Order(2)
    void predictionShowsMissingAndExtrasThenASettingChangesTheRanking() throws Exception {
        driver.get(base + "/console#/predictions/" + sessionId);
        await("two predictions are listed", () -> predictions().size() == 2);
        List<WebElement> preds = predictions();

        // #2 is the pattern [hello world][foo][bar]: "world" is missing from the present, "q" is an extra of the STM.
        WebElement withMissing = preds.stream()
                .filter(p -> !p.findElements(By.cssSelector(".seg-present .sym.missing")).isEmpty()).findFirst()
                .orElseThrow(() -> new AssertionError("no prediction marks a missing symbol"));
        WebElement missing = withMissing.findElement(By.cssSelector(".seg-present .sym.missing"));
        assertTrue(missing.getText().contains("world"), missing.getText());
        assertEquals("world: missing", missing.getAttribute("title"));
        assertTrue(missing.getText().startsWith("✗"), "marked by text, not colour alone: " + missing.getText());
        WebElement extra = withMissing.findElement(By.cssSelector(".seg-stm .sym.extra"));
        assertTrue(extra.getText().contains("q"), extra.getText());
        assertEquals("q: extra", extra.getAttribute("title"));
        String missingName = withMissing.getAttribute("data-name");

        // Every metric has its definition on hover (title) and a value.
        List<WebElement> defs = withMissing.findElements(By.cssSelector("th.def"));
        assertEquals(15, defs.size());
        for (WebElement th : defs) {
            assertFalse(th.getAttribute("title").isBlank(), "definition of " + th.getText());
        }
        // future_potentials as a chart: one bar per future ([baz] and [bar]).
        assertEquals(2, driver.findElements(By.cssSelector("#future-chart rect.chart-bar")).size());
        String chart = (String) ((JavascriptExecutor) driver).executeScript(
                "return document.getElementById('future-chart').textContent");
        assertTrue(chart.contains("[baz]") && chart.contains("[bar]"), chart);
        scrollTo(By.id("legend"));
        screenshot("predictions");

        // Raising recall_threshold past the missing pattern's similarity (4/7) re-renders without it.
        type(By.id("pc-recall_threshold"), "0.6");
        driver.findElement(By.id("pc-save")).click();
        await("the ranking is re-rendered with one prediction", () -> predictions().size() == 1);
        String left = predictions().get(0).getAttribute("data-name");
        assertFalse(left.equals(missingName), "the pattern below the threshold is gone");
        JsonNode info = getJson("/sessions/" + sessionId);
        assertEquals(0.6, info.get("session_config").get("recall_threshold").asDouble(), 1e-9);
    }

    @Test
    @Order(3)
    void openThePatternOfAPrediction() throws Exception {
        driver.get(base + "/console#/predictions/" + sessionId);
        await("predictions are listed", () -> predictions().size() == 1);
        predictions().get(0).findElement(By.partialLinkText("Open pattern")).click();
        await("the pattern page shows its events", () -> !driver.findElements(By.cssSelector("#pattern-events li")).isEmpty());
        List<String> events = driver.findElements(By.cssSelector("#pattern-events li")).stream()
                .map(e -> e.getText().replace("\n", " ")).collect(Collectors.toList());
        assertEquals(List.of("e1 hello", "e2 foo", "e3 baz"), events);
        assertEquals("1", text(By.id("pattern-frequency")));
        screenshot("pattern");

        // A symbol of the pattern leads to the patterns that use it (symbol statistics).
        driver.findElement(By.linkText("foo")).click();
        await("patterns using foo", () -> driver.findElements(By.cssSelector("#patterns-table tbody tr")).size() == 2
                && text(By.id("main")).contains("Only patterns containing"));
        await("symbol statistics", () -> driver.findElements(By.cssSelector("#symbols-table tbody tr")).size() == 5);
        screenshot("patterns");
    }

    @Test
    @Order(4)
    void nodesAndSessionPages() throws Exception {
        driver.get(base + "/console#/nodes");
        await("the node is listed with its counts", () -> {
            List<WebElement> rows = driver.findElements(By.cssSelector("#nodes-table tbody tr"));
            return rows.size() == 1 && rows.get(0).getText().startsWith(NODE + " 2 5 2 7 ");
        });
        screenshot("nodes");
        driver.get(base + "/console#/session/" + sessionId);
        await("the session page shows the STM", () -> driver.findElements(By.cssSelector(".timeline li.event")).size() == 2);
        assertEquals("2", text(By.id("stm-length")));
        screenshot("session");
    }

    @Test
    @Order(5)
    void aLiveObservationArrives() throws Exception {
        driver.get(base + "/console#/live?node=" + NODE);
        await("the WebSocket is connected", () -> text(By.id("ws-state")).equals("connected"));
        // Give the page its first /percept-data reading, so that the next observation is new to it.
        await("the first reading", () -> !driver.findElement(By.id("live-feed")).getAttribute("data-readings").equals("0"));
        JsonNode created = postJson("/sessions", "{\"node_id\": \"" + NODE + "\"}");
        String other = created.get("session_id").asText();
        await("the session event arrives", () -> text(By.id("live-feed")).contains("created " + other));
        postJson("/sessions/" + other + "/observe", "{\"strings\": [\"livesymbol\"]}");
        await("the observation arrives", () -> driver.findElements(By.cssSelector("#live-feed .feed-item.observation")).stream()
                .anyMatch(e -> e.getText().contains("livesymbol")));
        screenshot("live");
    }

    /** A 10,000-event pattern, a 1,000-event STM (the most a session keeps) and 61 patterns browse by pages. */
    @Test
    @Order(6)
    void longSequencesAndManyPatternsAreShownByPages() throws Exception {
        String node = "console-long";
        String s = postJson("/sessions", "{\"node_id\": \"" + node + "\", \"config\": {\"process_predictions\": false}}")
                .get("session_id").asText();
        StringBuilder seq = new StringBuilder("{\"learn_at_end\": true, \"observations\": [");
        for (int i = 0; i < 10_000; i++) {
            seq.append(i == 0 ? "" : ",").append("{\"strings\": [\"s").append(i).append("\"]}");
        }
        String longPattern = postJson("/sessions/" + s + "/observe-sequence", seq.append("]}").toString())
                .get("final_learned_pattern").asText();
        StringBuilder pairs = new StringBuilder("{\"learn_after_each\": true, \"observations\": [");
        for (int i = 0; i < 60; i++) {
            pairs.append(i == 0 ? "" : ",").append("{\"strings\": [\"p").append(i).append("\", \"q").append(i).append("\"]}");
        }
        postJson("/sessions/" + s + "/observe-sequence", pairs.append("]}").toString());
        StringBuilder stm = new StringBuilder("{\"observations\": [");
        for (int i = 0; i < 1_000; i++) {
            stm.append(i == 0 ? "" : ",").append("{\"strings\": [\"t").append(i).append("\"]}");
        }
        postJson("/sessions/" + s + "/observe-sequence", stm.append("]}").toString());

        driver.get(base + "/console#/pattern?node=" + node + "&name=" + longPattern.replace("|", "%7C"));
        await("the first page of the pattern's events", () -> driver.findElements(By.cssSelector("#pattern-events li")).size() == 100);
        assertTrue(text(By.id("main")).contains("Page 1 of 100 · 10000 in all"), text(By.id("main")));
        driver.findElement(By.xpath("//button[contains(., 'Last')]")).click();
        await("the last page", () -> driver.findElement(By.cssSelector("#pattern-events li")).getText().startsWith("e9901"));
        assertEquals(100, driver.findElements(By.cssSelector("#pattern-events li")).size());

        driver.get(base + "/console#/session/" + s);
        await("the newest page of the STM", () -> driver.findElements(By.cssSelector(".timeline li.event")).size() == 100);
        assertTrue(text(By.id("main")).contains("Page 10 of 10 · 1000 in all"), text(By.id("main")));

        await("the catalog has the 61 patterns", () -> getJson("/console/api/patterns?node_id=" + node).get("total").asInt() == 61);
        driver.get(base + "/console#/patterns?node=" + node + "&sort=name");
        await("the first page of patterns", () -> driver.findElements(By.cssSelector("#patterns-table tbody tr")).size() == 50);
        driver.findElement(By.xpath("//nav[@aria-label='Pattern pages']//button[contains(., 'Next')]")).click();
        await("the second page of patterns", () -> driver.findElements(By.cssSelector("#patterns-table tbody tr")).size() == 11);
    }

    @Test
    @Order(7)
    void phoneViewport() throws Exception {
        // Chromium keeps a desktop window at least 500 px wide: emulate the phone's screen instead.
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
        try {
            driver.get(base + "/console#/predictions/" + sessionId);
            await("predictions are listed", () -> predictions().size() == 1);
            assertEquals(390L, ((JavascriptExecutor) driver).executeScript("return window.innerWidth"));
            long overflow = (Long) ((JavascriptExecutor) driver).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertEquals(0, overflow, "no horizontal scrolling of the page on a phone");
            scrollTo(By.id("prediction-list"));
            screenshot("predictions-phone");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** A key entered in the console is kept in sessionStorage and sent as X-API-Key on every request, never in a URL. */
    @Test
    @Order(8)
    void anEnteredApiKeyIsSentAsAHeaderAndNeverInAUrl() {
        driver.get(base + "/console#/try");
        type(By.id("api-key"), "k-console-test");
        driver.findElement(By.xpath("//button[.='Use key']")).click();
        JavascriptExecutor js = driver;
        assertEquals("k-console-test", js.executeScript("return sessionStorage.getItem('kato.apiKey')"));
        js.executeScript("window.__seen = []; const f = window.fetch;"
                + "window.fetch = (u, i) => { window.__seen.push([String(u), (i && i.headers && i.headers['X-API-Key']) || null]);"
                + " return f(u, i); }; location.hash = '#/nodes';");
        await("the nodes page", () -> !driver.findElements(By.id("nodes-table")).isEmpty());
        @SuppressWarnings("unchecked")
        List<List<String>> seen = (List<List<String>>) js.executeScript("return window.__seen");
        assertFalse(seen.isEmpty());
        for (List<String> call : seen) {
            assertEquals("k-console-test", call.get(1), "X-API-Key of " + call.get(0));
            assertFalse(call.get(0).contains("k-console-test"), call.get(0));
        }
        assertFalse(driver.getCurrentUrl().contains("k-console-test"));
        driver.findElement(By.id("key-forget")).click();
        assertEquals(null, js.executeScript("return sessionStorage.getItem('kato.apiKey')"));
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Sizes the window so that the page's viewport (what a screenshot shows) is width × height. */
    private static void viewport(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        JavascriptExecutor js = driver;
        long extraW = (Long) js.executeScript("return window.outerWidth - window.innerWidth");
        long extraH = (Long) js.executeScript("return window.outerHeight - window.innerHeight");
        driver.manage().window().setSize(new Dimension(width + (int) extraW, height + (int) extraH));
    }

    private static void scrollTo(By by) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'start'})", driver.findElement(by));
    }

    private static List<WebElement> predictions() {
        return driver.findElements(By.cssSelector("#prediction-list > li.prediction"));
    }

    private static void observe(String symbols, int expectedLength) {
        type(By.id("try-symbols"), symbols);
        driver.findElement(By.id("try-observe")).click();
        String want = "Short-term memory (" + expectedLength + " event" + (expectedLength == 1 ? ")" : "s)");
        await("the STM shows " + expectedLength + " events", () -> text(By.id("try-stm")).contains(want));
    }

    private static void learn() {
        driver.findElement(By.id("try-learn")).click();
        await("the pattern is learned", () -> text(By.id("try-result")).contains("\"status\": \"learned\"")
                && text(By.id("try-stm")).contains("(0 events)"));
    }

    private static void type(By by, String value) {
        HeadlessChromium.type(driver, by, value);
    }

    private static String text(By by) {
        return HeadlessChromium.text(driver, by);
    }

    private static void await(String what, Supplier<Boolean> condition) {
        HeadlessChromium.await(driver, what, condition);
    }
    private static void screenshot(String name) throws Exception {
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), shots.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static JsonNode getJson(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode postJson(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }
}
