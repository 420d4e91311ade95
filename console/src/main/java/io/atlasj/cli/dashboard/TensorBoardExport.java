package io.atlasj.cli.dashboard;

import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.journal.RunJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's training curves as TensorBoard event files: one TensorBoard run per model ({@code DIR/UNIT/NAME}), with the
 * scalars {@code foldK/train_loss} and {@code foldK/validation_loss} at each epoch, timed when the journal heard of
 * them. {@code tensorboard --logdir DIR} shows them.
 */
public final class TensorBoardExport {
    /** What was written. */
    public record Written(Path dir, int models, long scalars) {
    }

    private TensorBoardExport() {
    }

    /** The runs that have a journal, newest first. */
    public static List<String> runs(AtlasHome home) throws IOException {
        try (Stream<Path> s = Files.list(home.journal())) {
            return s.filter(p -> p.getFileName().toString().endsWith(RunJournal.SUFFIX))
                    .sorted(java.util.Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed())
                    .map(p -> p.getFileName().toString().replace(RunJournal.SUFFIX, "")).toList();
        }
    }

    /**
     * Writes run {@code run}'s curves under {@code to} (event files of an earlier export of the same models are
     * replaced).
     *
     * @throws IllegalArgumentException when the run has no journal
     */
    public static Written write(AtlasHome home, String run, Path to) throws IOException {
        Path journal = home.journal().resolve(run + RunJournal.SUFFIX);
        if (!run.matches("[A-Za-z0-9._-]+") || !Files.isRegularFile(journal)) {
            throw new IllegalArgumentException("no run '" + run + "' in " + home.journal() + " (runs: "
                    + String.join(", ", runs(home).stream().limit(10).toList()) + ")");
        }
        RunJournal.Follower f = new RunJournal.Follower(journal);
        f.poll();
        Evaluations stored = new Evaluations(home);
        String host = java.net.InetAddress.getLoopbackAddress().getHostName();
        int models = 0;
        long scalars = 0;
        List<RunJournal.Model> all;
        synchronized (f) {
            all = new ArrayList<>(f.models.values());
        }
        for (RunJournal.Model m : all) {
            List<double[]> curve = stored.curve(f, m);
            if (curve.isEmpty()) {
                continue;
            }
            Path dir = to.resolve(safe(m.unit)).resolve(safe(m.name));
            if (Files.isDirectory(dir)) {
                try (Stream<Path> old = Files.list(dir)) {
                    for (Path p : old.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
                        Files.delete(p);
                    }
                }
            }
            try (TensorBoardEvents ev = new TensorBoardEvents(dir, (long) curve.get(0)[4], host)) {
                for (double[] e : curve) {
                    String fold = "fold" + (int) e[0] + "/";
                    ev.scalar(fold + "train_loss", (long) e[1], e[2], (long) e[4]);
                    ev.scalar(fold + "validation_loss", (long) e[1], e[3], (long) e[4]);
                    scalars += 2;
                }
            }
            models++;
        }
        return new Written(to, models, scalars);
    }

    /** A unit's or model's name as a folder name (TensorBoard's run names are paths). */
    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._#=+-]", "_");
    }
}
