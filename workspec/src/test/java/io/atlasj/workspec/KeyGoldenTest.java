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
