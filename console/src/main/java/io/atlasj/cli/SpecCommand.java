package io.atlasj.cli;

import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
            List<ModelSpec> models = Expander.expand(ws, specFile.confirm);
            PrintWriter out = spec.commandLine().getOut();
            List<List<String>> rows = new ArrayList<>();
            for (ModelSpec m : models) {
                rows.add(List.of(m.unit(), m.name(), m.type().id(), m.key(), settings(m.hyper()),
                        settings(changedTraining(m.training())), String.valueOf(m.seed())));
            }
            List<String> header = List.of("UNIT", "MODEL", "TYPE", "KEY", "HYPERPARAMETERS", "TRAINING", "SEED");
            if (format.equals("csv")) {
                out.println(String.join(",", header).toLowerCase(java.util.Locale.ROOT));
                rows.forEach(r -> out.println(r.stream().map(c -> "\"" + c.replace("\"", "\"\"") + "\"")
                        .collect(Collectors.joining(","))));
            } else {
                out.print(Formats.table(header, rows));
                out.println(ws.name() + ": " + Formats.count(models.size()) + " models in " + ws.units().size() + " unit(s)");
            }
            return 0;
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
