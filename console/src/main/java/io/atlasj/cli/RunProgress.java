package io.atlasj.cli;

import io.atlasj.trainer.local.LocalRunner;
import io.atlasj.trainer.model.TrainingResult;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.results.ResultsObject;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of {@code atlas run --local}: a line per finished model; on a terminal also an overall bar whose message
 * shows every model in training with its epoch ({@code dnn#3 4/20}). On Ctrl-C it says what is kept and how to go on.
 */
final class RunProgress implements LocalRunner.Listener, AutoCloseable {
    private final PrintWriter out;
    private final int total;
    private final AtomicInteger finished = new AtomicInteger();
    private final Map<String, String> active = new ConcurrentSkipListMap<>();
    private final ProgressBar bar;

    RunProgress(PrintWriter out, int total) {
        this.out = out;
        this.total = total;
        this.bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName("models").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setMaxRenderedLength(140).build();
    }

    @Override
    public void skipped(ModelSpec m) {
        finished.incrementAndGet();
        step();
    }

    @Override
    public void started(ModelSpec m) {
        active.put(m.unit() + "/" + m.name(), m.name() + " 0/" + epochs(m));
        message();
    }

    @Override
    public void epoch(ModelSpec m, TrainingResult.Epoch e) {
        active.put(m.unit() + "/" + m.name(), m.name() + " " + (e.epoch() + 1) + "/" + epochs(m));
        message();
    }

    @Override
    public void finished(ModelSpec m, ResultsObject r, io.atlasj.workspec.results.Headline headline, int done, int of) {
        active.remove(m.unit() + "/" + m.name());
        finished.incrementAndGet();
        synchronized (out) {
            out.printf(Locale.ROOT, "[%d/%d] %s %s %s %s (%.1fs)%n", done, of, m.unit(), m.name(), r.status(),
                    r.failure() == null ? headline.toString() : r.failure(), r.millis() / 1000.0);
            out.flush();
        }
        step();
    }

    private static Object epochs(ModelSpec m) {
        Object e = m.training().get("epochs");
        return e == null ? "20" : e;
    }

    private void step() {
        if (bar != null) {
            bar.stepTo(finished.get());
            message();
        }
    }

    private void message() {
        if (bar != null) {
            bar.setExtraMessage(String.join(" | ", active.values()));
        }
    }

    /** The JVM is stopping before the run ended (Ctrl-C). Results are written atomically, so nothing is half done. */
    void interrupted() {
        close();
        synchronized (out) {
            out.printf("%ninterrupted: %d of %d models finished (their results are complete); run the same command again "
                    + "to continue: finished keys are skipped and a model that was training resumes from its last epoch "
                    + "checkpoint%n", finished.get(), total);
            out.flush();
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
