package io.atlasj.trainer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** How a slot writes its pack's results: each once, on more than one thread, stopping at the first failure. */
class WriteAllTest {
    @Test
    void everyResultIsWrittenOnceAndTwoAreWrittenAtOnce() {
        int k = 60;
        AtomicIntegerArray times = new AtomicIntegerArray(k);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        // the first two writes each wait for the other to start: they return true only if they ran side by side
        CountDownLatch both = new CountDownLatch(2);
        AtomicInteger firstTwo = new AtomicInteger();
        boolean[] together = new boolean[2];
        LocalRunner.writeAll(k, j -> {
            times.incrementAndGet(j);
            threads.add(Thread.currentThread().getName());
            int n = firstTwo.getAndIncrement();
            if (n < 2) {
                both.countDown();
                try {
                    together[n] = both.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        for (int j = 0; j < k; j++) {
            assertThat(times.get(j)).as("writes of result %d", j).isEqualTo(1);
        }
        assertThat(together).containsExactly(true, true);
        assertThat(threads).hasSizeGreaterThan(1).anyMatch(t -> t.startsWith("atlas-result-writer-"));
    }

    @Test
    void theFirstFailureIsThrownAndNoWriteStartsAfterIt() {
        int k = 200;
        AtomicInteger started = new AtomicInteger();
        IllegalStateException full = new IllegalStateException("no space left on device");
        assertThatThrownBy(() -> LocalRunner.writeAll(k, j -> {
            started.incrementAndGet();
            if (j == 3) {
                throw full;
            }
            try {
                Thread.sleep(2); // a write takes a little time, as a real one does
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        })).isSameAs(full);
        // index 3 fails: every other thread finishes the write it holds and takes at most one index more
        assertThat(started.get()).isLessThanOrEqualTo(4 + 2 * Runtime.getRuntime().availableProcessors());
    }

    @Test
    void oneResultIsWrittenOnTheCallingThread() {
        String[] by = new String[1];
        LocalRunner.writeAll(1, j -> by[0] = Thread.currentThread().getName());
        assertThat(by[0]).isEqualTo(Thread.currentThread().getName());
    }
}
