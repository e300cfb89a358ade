package io.katostreams.ops;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Debian's chromium driven through chromedriver, and the page actions the console's browser tests share. */
final class HeadlessChromium {
    static final Duration WAIT = Duration.ofSeconds(30);

    private HeadlessChromium() {}

    /** A headless Chromium at 1280×800; fails (never skips) when the Debian packages are missing. */
    static ChromeDriver start() {
        Path chromium = Path.of("/usr/bin/chromium");
        Path chromedriver = Path.of("/usr/bin/chromedriver");
        if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
            fail("the console browser tests need Debian's chromium and chromium-driver "
                    + "(apt-get install -y --no-install-recommends chromium chromium-driver; .ci/run installs them)");
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--hide-scrollbars", "--force-device-scale-factor=1");
        return new ChromeDriver(service, options);
    }

    static void type(ChromeDriver driver, By by, String value) {
        WebElement e = driver.findElement(by);
        e.clear();
        e.sendKeys(value);
    }

    /** The text of the first element found, or "" when there is none (yet). */
    static String text(ChromeDriver driver, By by) {
        List<WebElement> l = driver.findElements(by);
        return l.isEmpty() ? "" : l.get(0).getText();
    }

    /** Polls until the condition holds (page re-renders make elements stale meanwhile); fails after WAIT. */
    static void await(ChromeDriver driver, String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        WebDriverException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (WebDriverException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not reached: " + what + "; page: " + text(driver, By.id("main"))
                + (last == null ? "" : "; last error: " + last.getMessage()));
    }
}
