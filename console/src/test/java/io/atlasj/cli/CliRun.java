package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the CLI in this JVM against one {@code --home}, as a user's command line would. */
final class CliRun {
    private CliRun() {
    }

    /** {@code atlas --home HOME ARGS...}, asserting its exit code; returns its stdout and stderr. */
    static String[] atlas(Path home, int expected, String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AtlasCli.run(Map.of(), new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        assertThat(code).as(out + "\n" + err).isEqualTo(expected);
        return new String[] {out.toString(), err.toString()};
    }

    /**
     * Runs the WorkSpec {@code yaml} (written to {@code spec}) locally on one slot in {@code home} and returns its
     * trained model {@code model} as a live runner serves it.
     */
    static io.atlasj.trainer.live.LiveModel train(Path home, Path spec, String yaml, String model)
            throws java.io.IOException {
        java.nio.file.Files.writeString(spec, yaml);
        atlas(home, 0, "run", spec.toString(), "--local", "--slots", "1");
        return io.atlasj.trainer.live.LiveModel.find(new io.atlasj.home.AtlasHome(home), model);
    }

    /**
     * A WorkSpec {@code name} of one unit {@code direction}: a logistic model (3 epochs) of {@code UpDown(1)} on the
     * featureset {@code set} over {@code market} at {@code timeframe}, with {@code features} (YAML flow list) and a
     * chronological split of {@code train}, {@code (1 - train) / 2}, {@code (1 - train) / 2}.
     */
    static String oneLogistic(String name, String set, String market, String timeframe, String features, double train) {
        double rest = Math.round((1 - train) / 2 * 1000) / 1000.0;
        return "name: " + name + "\n"
                + "execution: {retries: 0, slots: 1}\n"
                + "units:\n"
                + "  - name: direction\n"
                + "    featureset:\n"
                + "      name: " + set + "\n"
                + "      base: {market: \"" + market + "\", timeframe: " + timeframe + "}\n"
                + "      features: " + features + "\n"
                + "      labels: [\"UpDown(1)\"]\n"
                + "    dataset: {task: classification, label: \"UpDown(1)\", scaling: zscore}\n"
                + "    split: {type: chronological, train: " + train + ", validation: " + rest + ", test: " + rest + "}\n"
                + "    models:\n"
                + "      - {name: logistic, type: logistic, training: {epochs: 3}}\n";
    }

    /** Copies {@code from}'s trained models and results ({@code runs/}) into the home {@code to}. */
    static void copyRuns(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(from.resolve("runs"))) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(p, target);
                }
            }
        }
    }
}
