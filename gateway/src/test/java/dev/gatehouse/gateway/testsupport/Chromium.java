package dev.gatehouse.gateway.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Real headless Chromium for tests: Debian's {@code chromium} and {@code chromium-driver}
 * ({@code .ci/run} installs them; {@code GATEHOUSE_CHROMIUM} and {@code GATEHOUSE_CHROMEDRIVER}
 * name others), driven by Selenium over WebDriver, each browser with a fresh profile. Nothing is
 * downloaded: the browser and its driver are the machine's, and the browser makes no background
 * connections of its own.
 */
public final class Chromium {

  /** Where screenshots are kept, as build artifacts. */
  public static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

  private Chromium() {}

  /** A new browser; the caller quits it. Fails with what to install when there is none. */
  public static WebDriver start() throws IOException {
    Path browser = Path.of(System.getenv().getOrDefault("GATEHOUSE_CHROMIUM", "/usr/bin/chromium"));
    Path driver = Path.of(System.getenv().getOrDefault("GATEHOUSE_CHROMEDRIVER", "/usr/bin/chromedriver"));
    if (!Files.isExecutable(browser) || !Files.isExecutable(driver)) {
      throw new IllegalStateException("browser tests need Chromium and its driver at " + browser + " and " + driver
          + ": apt-get install chromium chromium-driver (as .ci/run does)");
    }
    ChromeOptions options = new ChromeOptions()
        .setBinary(browser.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--window-size=1400,1000",
            "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(driver.toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    return chrome;
  }

  /** Saves what the browser shows as {@code target/browser-screenshots/<name>.png}. */
  public static Path screenshot(WebDriver browser, String name) throws IOException {
    return screenshot(browser, SCREENSHOTS, name);
  }

  /** Saves what the browser shows as {@code <directory>/<name>.png}. */
  public static Path screenshot(WebDriver browser, Path directory, String name) throws IOException {
    Files.createDirectories(directory);
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = directory.resolve(name + ".png");
    Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return target;
  }
}
