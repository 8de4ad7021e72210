package dev.gatehouse.secrets.provider.vault;

import java.time.Duration;

/** Waits between retries; interruptible. Tests substitute a recording sleeper. */
@FunctionalInterface
interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
