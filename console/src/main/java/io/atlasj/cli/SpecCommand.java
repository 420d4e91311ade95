package io.atlasj.cli;

import io.atlasj.workspec.Expander;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code atlas spec validate | expand}: check a WorkSpec and list the ModelSpecs it makes. */
@Command(name = "spec", mixinStandardHelpOptions = true, description = "Validate and expand WorkSpecs.",
        subcommands = {SpecCommand.Validate.class, SpecCommand.Expand.class})
final class SpecCommand {
    /** The WorkSpec file argument and --confirm-large, shared by validate, expand and run. */
    static final class SpecFile {
        @Parameters(paramLabel = "FILE", description = "A WorkSpec YAML file, e.g. configs/workspecs/quickstart.yaml.")
        Path file;
        @Option(names = "--confirm-large", description = "Accept sweeps beyond execution.maxModels.")
        boolean confirm;

        WorkSpec read() {
            return SpecCommand.read(file, confirm);
        }
    }

    static WorkSpec read(Path file, boolean confirm) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": no such file");
        }
        try {
            return WorkSpecYaml.read(file, confirm);
        } catch (IOException e) {
            throw new UserException(file + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * A WorkSpec file read to look at results already trained from it ({@code atlas report FILE}, {@code harvest FILE}):
     * as a run's journal is read back, so that a setting refused for new runs since (an overlapping walk-forward, say)
     * does not keep its results from being reported; mistakes of the YAML itself are still errors with their line.
     */
    static WorkSpec readTrained(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": no such file");
        }
        try {
            return io.atlasj.workspec.WorkSpecYaml.readSubmitted(file.toString(), Files.readString(file),
                    io.atlasj.workspec.FeaturesetLocator.beside(file));
        } catch (IOException e) {
            throw new UserException(file + ": cannot read: " + e.getMessage());
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a WorkSpec: every mistake with file:line:column, the field and a hint; exit 1 if any.")
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        SpecFile specFile;

        @Override
        public Integer call() {
            WorkSpec ws = specFile.read();
            long n = Expander.count(ws);
            spec.commandLine().getOut().printf("%s: valid; %d unit(s), %s models%n", specFile.file, ws.units().size(),
                    Formats.count(n));
            return 0;
        }
    }

    @Command(name = "expand", mixinStandardHelpOptions = true,
            description = "List the ModelSpecs a WorkSpec expands to: unit, model, type, key, settings, and the count.")
    static final class Expand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        SpecFile specFile;
        @Option(names = "--format", defaultValue = "table", paramLabel = "table|csv")
        String format;

        @Override
        public Integer call() {
            if (!format.equals("table") && !format.equals("csv")) {
                throw new UserException("--format must be table or csv, got '" + format + "'");
            }
            WorkSpec ws = specFile.read();
            PrintWriter out = spec.commandLine().getOut();
            List<String> header = List.of("UNIT", "MODEL", "TYPE", "KEY", "HYPERPARAMETERS", "TRAINING", "SEED");
            Formats.StreamingTable table = format.equals("table") ? new Formats.StreamingTable(out, header) : null;
            if (table == null) {
                out.println(String.join(",", header).toLowerCase(java.util.Locale.ROOT));
            }
            long total = Expander.count(ws);
            Progress progress = new Progress(spec.commandLine().getErr(), total);
            long[] n = {0};
            // streamed: a sweep of millions of models is written as it is made, never held whole
            Expander.forEach(ws, specFile.confirm, m -> {
                List<String> row = List.of(m.unit(), m.name(), m.type().id(), m.key(), settings(m.hyper()),
                        settings(changedTraining(m.training())), String.valueOf(m.seed()));
                if (table != null) {
                    table.row(row);
                } else {
                    out.println(row.stream().map(c -> "\"" + c.replace("\"", "\"\"") + "\"")
                            .collect(Collectors.joining(",")));
                }
                n[0]++;
            }, progress);
            progress.done();
            if (table != null) {
                table.finish();
                out.println(ws.name() + ": " + Formats.count(n[0]) + " models in " + ws.units().size() + " unit(s)");
            }
            out.flush();
            return 0;
        }

        /**
         * Where a long expansion has got to, on standard error and only on a terminal, at most every two seconds, for
         * expansions of over {@value #SHOWN_FROM} models.
         */
        static final class Progress implements Expander.Progress {
            static final long SHOWN_FROM = 100_000;
            private final PrintWriter err;
            private final boolean shown;
            private long last;

            Progress(PrintWriter err, long total) {
                this.err = err;
                this.shown = total > SHOWN_FROM && System.console() != null;
            }

            @Override
            public void at(String stage, long done, long total) {
                long now = System.nanoTime();
                if (shown && now - last > 2_000_000_000L) {
                    last = now;
                    err.printf(java.util.Locale.ROOT, "\r%s: %s of %s models", stage, Formats.count(done),
                            Formats.count(total));
                    err.flush();
                }
            }

            void done() {
                if (shown && last != 0) {
                    err.println();
                    err.flush();
                }
            }
        }

        /** Training settings that differ from the defaults (seed is its own column). */
        private static Map<String, Object> changedTraining(Map<String, Object> t) {
            Map<String, Object> out = new TreeMap<>();
            for (var e : t.entrySet()) {
                var spec = io.atlasj.workspec.Catalog.training(e.getKey()).orElseThrow();
                if (!e.getKey().equals("seed") && !e.getValue().equals(spec.defaultValue())) {
                    out.put(e.getKey(), e.getValue());
                }
            }
            return out;
        }

        private static String settings(Map<String, Object> m) {
            return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        }
    }
}
