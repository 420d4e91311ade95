package io.atlasj.workspec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Model keys are persisted identities (a rerun skips keys that have results): every (workspec, unit, name, key) of
 * the example WorkSpecs and of {@code golden/keys-extra.yaml} must stay what {@code golden/model-keys.tsv} recorded.
 * A refactoring that changes one key fails here. When the meaning of a key changes on purpose, bump
 * {@link Expander#KEY_VERSION} and replace the fixture with {@code target/model-keys.actual.tsv}, written on failure.
 */
class KeyGoldenTest {
    static final Path SPECS = Path.of("../configs/workspecs");
    static final String FIXTURE = "golden/model-keys.tsv";

    @Test
    void keysOfTheExampleSpecsAreThoseRecorded() throws Exception {
        List<String> actual = new ArrayList<>();
        for (String name : List.of("quickstart", "model-zoo", "thousand")) {
            lines(WorkSpecYaml.read(SPECS.resolve(name + ".yaml")), actual);
        }
        lines(WorkSpecYaml.read("keys-extra.yaml", resource("golden/keys-extra.yaml"),
                FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false), actual);
        String text = String.join("\n", actual) + "\n";
        List<String> expected = resource(FIXTURE).lines().toList();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
            String a = i < actual.size() ? actual.get(i) : "(none)";
            String e = i < expected.size() ? expected.get(i) : "(none)";
            if (!a.equals(e)) {
                differences.add("line " + (i + 1) + ": recorded " + e + ", now " + a);
            }
        }
        if (!differences.isEmpty()) {
            Path out = Path.of("target/model-keys.actual.tsv");
            Files.createDirectories(out.getParent());
            Files.writeString(out, text, StandardCharsets.UTF_8);
        }
        assertThat(differences).as("keys that differ from " + FIXTURE + " (the whole expansion is written to "
                + "target/model-keys.actual.tsv); first ones: " + differences.stream().limit(5).toList()).isEmpty();
    }

    @Test
    void canonicalFormsAreWrittenFieldByField() {
        assertThat(new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, "UpDown(3)", new DatasetOptions.Classes(
                DatasetOptions.Classes.Kind.PERCENTILES, 0, 25, 75), DatasetOptions.Rebalance.NONE,
                DatasetOptions.Scaling.ZSCORE).canonical())
                .isEqualTo("DatasetOptions[task=CLASSIFICATION, label=UpDown(3), classes=Classes[kind=PERCENTILES, "
                        + "threshold=0.0, lower=25.0, upper=75.0], rebalance=NONE, scaling=ZSCORE]");
        assertThat(io.atlasj.workspec.split.SplitPolicy.Chronological.byDates(1000, 2000, 3).canonical())
                .isEqualTo("Chronological[train=0.0, validation=0.0, test=0.0, embargo=3, validationFrom=1000, "
                        + "testFrom=2000]");
        assertThat(ParamSpec.canonicalText(List.of(List.of(32, 16), 1e-5, 7L, true, "adam")))
                .isEqualTo("[[32, 16], 1.0E-5, 7, true, adam]");
        // a real setting written 1 or 1.0 is one value, one key
        ParamSpec lr = Catalog.training("lr").orElseThrow();
        assertThat(ParamSpec.canonicalText(lr.check(1L))).isEqualTo(ParamSpec.canonicalText(lr.check(1.0)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ParamSpec.canonicalText(new Object()))
                .hasMessageContaining("no canonical text");
    }

    private static void lines(WorkSpec spec, List<String> out) {
        for (ModelSpec m : Expander.expand(spec)) {
            out.add(m.workspec() + "\t" + m.unit() + "\t" + m.name() + "\t" + m.key());
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = KeyGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
