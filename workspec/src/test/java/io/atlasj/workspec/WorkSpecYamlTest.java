package io.atlasj.workspec;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureSetYaml;
import io.atlasj.workspec.split.SplitPolicy;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The example WorkSpecs read, expand deterministically, round-trip, and match their Java form. */
class WorkSpecYamlTest {
    static final Path SPECS = Path.of("../configs/workspecs");

    @Test
    void aSelfContainedCopyNeedsNoFeaturesetFilesAndExpandsToTheSameKeys() throws Exception {
        WorkSpec spec = WorkSpecYaml.read(SPECS.resolve("quickstart.yaml"));
        String yaml = WorkSpecYaml.writeSelfContained(spec);
        assertThat(yaml).doesNotContain("featureset: \"quickstart\"").doesNotContain("featureset: quickstart\n");
        FeaturesetLocator none = FeaturesetLocator.NONE;
        WorkSpec copy = WorkSpecYaml.read("sent.yaml", yaml, none, false);
        assertThat(Expander.expand(copy).stream().map(ModelSpec::key).toList())
                .isEqualTo(Expander.expand(spec).stream().map(ModelSpec::key).toList());
    }

    @Test
    void quickstartExpandsToTwentyFiveModelsOfFiveTypesWithStableKeys() throws Exception {
        WorkSpec spec = WorkSpecYaml.read(SPECS.resolve("quickstart.yaml"));
        List<ModelSpec> models = Expander.expand(spec);
        assertThat(models).hasSize(25);
        assertThat(models.stream().map(ModelSpec::type).collect(Collectors.toSet()))
                .contains(ModelType.LOGISTIC, ModelType.DNN, ModelType.LSTM, ModelType.LINEAR, ModelType.ENSEMBLE);
        Set<String> keys = models.stream().map(ModelSpec::key).collect(Collectors.toSet());
        assertThat(keys).hasSize(25);
        // the ensemble's key is made of its members' keys: the eight dense networks of its unit
        ModelSpec vote = models.stream().filter(m -> m.type() == ModelType.ENSEMBLE).findFirst().orElseThrow();
        assertThat(vote.memberKeys()).containsExactlyElementsOf(models.stream()
                .filter(m -> m.unit().equals("direction-3bar") && m.name().startsWith("dnn#")).map(ModelSpec::key).toList());
        // deterministic: a second read and expansion gives the same keys in the same order
        assertThat(Expander.expand(WorkSpecYaml.read(SPECS.resolve("quickstart.yaml"))).stream().map(ModelSpec::key).toList())
                .isEqualTo(models.stream().map(ModelSpec::key).toList());
        // repeats differ by seed only
        List<ModelSpec> lstm = models.stream().filter(m -> m.type() == ModelType.LSTM).toList();
        assertThat(lstm).hasSize(4);
        assertThat(lstm.get(0).seed()).isEqualTo(42);
        assertThat(lstm.get(1).seed()).isEqualTo(43);
    }

    @Test
    void thousandExpandsToOverAThousandModels() throws Exception {
        WorkSpec spec = WorkSpecYaml.read(SPECS.resolve("thousand.yaml"));
        List<ModelSpec> models = Expander.expand(spec);
        assertThat(models).hasSize(1_002);
        assertThat(new HashSet<>(models.stream().map(ModelSpec::key).toList())).hasSize(1_002);
        assertThat(spec.units().get(0).split()).isInstanceOf(SplitPolicy.WalkForward.class);
        assertThat(spec.units().get(2).split()).isInstanceOf(SplitPolicy.PurgedKFold.class);
        // sampled settings are drawn from the entry's seed: the same every time, and inside their ranges
        List<ModelSpec> random = models.stream().filter(m -> m.name().startsWith("dnn-random") && m.unit().equals("fil")).toList();
        assertThat(random).hasSize(100);
        assertThat(random).allSatisfy(m -> {
            assertThat((Double) m.hyper().get("dropout")).isBetween(0.0, 0.5);
            assertThat((Double) m.training().get("lr")).isBetween(1e-4, 1e-2);
        });
        assertThat(random.stream().map(m -> m.hyper().get("dropout")).distinct().count()).isGreaterThan(90);
    }

    /** Every shipped WorkSpec reads and expands (the ones the README names). */
    @Test
    void everyShippedSpecReadsAndExpands() throws Exception {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(SPECS)) {
            List<Path> specs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(specs).extracting(p -> p.getFileName().toString()).contains("swings.yaml", "trees.yaml");
            for (Path p : specs) {
                assertThat(Expander.expand(WorkSpecYaml.read(p))).as(p.toString()).isNotEmpty();
            }
        }
        WorkSpec swings = WorkSpecYaml.read(SPECS.resolve("swings.yaml"));
        assertThat(Expander.expand(swings)).hasSize(2).allSatisfy(m -> assertThat(m.label().id())
                .startsWith("NextSwing(12, 2)"));
    }

    @Test
    void aGridValueWrittenTwiceIsRefusedAtBothPlaces() throws Exception {
        Path file = Path.of("src/test/resources/duplicates/duplicate-values.yaml");
        assertThatThrownBy(() -> read(file)).isInstanceOfSatisfying(WorkSpecException.class, e -> {
            assertThat(e.problems()).hasSize(2);
            WorkSpecException.Problem l2 = e.problems().get(0);
            assertThat(List.of(l2.line(), l2.column())).containsExactly(11, 20);
            assertThat(l2.path()).isEqualTo("units[0].models[0].l2[1]");
            assertThat(l2.message()).contains("repeats the value 0.01 of units[0].models[0].l2[0] (" + file + ":11:14)")
                    .contains("use repeats: N to train the same configuration with different seeds");
            // 1e-3 is 0.001: one value as checked
            WorkSpecException.Problem lr = e.problems().get(1);
            assertThat(lr.toString()).startsWith(file + ":12:32: units[0].models[0].training.lr[1]: repeats the "
                    + "value 0.001 of units[0].models[0].training.lr[0] (" + file + ":12:25)");
        });
    }

    /** A spec file outside configs/, its named featuresets from configs/featuresets. */
    static WorkSpec read(Path file) throws java.io.IOException {
        return WorkSpecYaml.read(file.toString(), java.nio.file.Files.readString(file),
                FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false);
    }

    @Test
    void twoEntriesOfOneConfigurationAreRefusedNamingBothAndTheKey() throws Exception {
        Path file = Path.of("src/test/resources/duplicates/duplicate-entries.yaml");
        assertThatThrownBy(() -> read(file)).isInstanceOfSatisfying(WorkSpecException.class, e -> {
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(List.of(p.line(), p.column())).containsExactly(16, 9);
                assertThat(p.path()).isEqualTo("units[0].models[2]");
                assertThat(p.message()).matches("u/again#0 has the same key [0-9a-f]{32} as u/small#1 "
                        + "\\(units\\[0\\]\\.models\\[0\\], " + java.util.regex.Pattern.quote(file.toString())
                        + ":9:9\\) \\(and 1 more pair\\(s\\) of these entries\\): the entries give the same "
                        + "configuration; remove the duplicate value, or use repeats: N .*");
            });
        });
        // a spec made in Java is refused on expansion, naming both models and the key
        WorkSpec ok = WorkSpecYaml.read(SPECS.resolve("quickstart.yaml"));
        WorkUnit u = ok.units().get(0);
        WorkUnit twice = new WorkUnit(u.name(), u.featuresetName(), u.featureset(), u.from(), u.to(), u.dataset(),
                u.split(), List.of(ModelEntry.builder("a", ModelType.LOGISTIC).grid("l2", 0.01, 0.01).build()));
        assertThatThrownBy(() -> Expander.expand(WorkSpec.builder("java").unit(twice).build()))
                .isInstanceOf(Expander.DuplicateModels.class)
                .hasMessageMatching("java: 1 model\\(s\\) repeat the configuration of another: \\[direction-3bar/a#1 "
                        + "has the same key [0-9a-f]{32} as direction-3bar/a#0\\]; remove the duplicate value, .*");
    }

    @Test
    void yamlRecordsYamlRoundTrips() throws Exception {
        for (String name : List.of("quickstart", "thousand")) {
            WorkSpec spec = WorkSpecYaml.read(SPECS.resolve(name + ".yaml"));
            String text = WorkSpecYaml.write(spec);
            WorkSpec back = WorkSpecYaml.read("written", text, FeaturesetLocator.beside(SPECS.resolve(name + ".yaml")), false);
            assertThat(back).isEqualTo(spec);
            assertThat(WorkSpecYaml.write(back)).isEqualTo(text);
        }
    }

    /** The quickstart spec in Java (also shown in docs/workspecs.md). */
    static WorkSpec quickstartInJava() throws Exception {
        FeatureLabelSet qs = FeatureSetYaml.read(Path.of("../configs/featuresets/quickstart.yaml"));
        SplitPolicy split = new SplitPolicy.Chronological(0.6, 0.2, 0.2, 0);
        return WorkSpec.builder("quickstart")
                .execution(new Execution(1, java.time.Duration.ofMinutes(5), 2, List.of(), java.time.Duration.ofMillis(500), 100))
                .unit(new WorkUnit("direction-3bar", "quickstart", qs, Long.MIN_VALUE, Long.MAX_VALUE,
                        new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, UpDown(3).id(), null, null,
                                DatasetOptions.Scaling.ZSCORE), split, List.of(
                        ModelEntry.builder("logistic", ModelType.LOGISTIC).grid("l2", 0.0, 0.001, 0.01, 0.1)
                                .set("epochs", 30).set("lr", 0.01).build(),
                        ModelEntry.builder("dnn", ModelType.DNN).grid("hidden", List.of(16), List.of(32, 16))
                                .grid("dropout", 0.0, 0.2).set("epochs", 20).grid("lr", 0.001, 0.0003).build(),
                        ModelEntry.builder("lstm", ModelType.LSTM).set("hidden", List.of(16)).grid("sequenceLength", 12, 24)
                                .set("epochs", 10).set("lr", 0.001).repeats(2).build(),
                        ModelEntry.builder("vote", ModelType.ENSEMBLE).set("members", List.of("dnn"))
                                .set("vote", "majority").build())))
                .unit(new WorkUnit("return-1bar", "quickstart", qs, Long.MIN_VALUE, Long.MAX_VALUE,
                        new DatasetOptions(DatasetOptions.Task.REGRESSION, FutureReturn(1).id(), null, null,
                                DatasetOptions.Scaling.ROBUST), split, List.of(
                        ModelEntry.builder("linear", ModelType.LINEAR).grid("l2", 0.0, 0.01).build(),
                        ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(16)).grid("dropout", 0.0, 0.2).build())))
                .unit(new WorkUnit("terciles-3bar", "quickstart", qs, Long.MIN_VALUE, Long.MAX_VALUE,
                        new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, ThreeClassPercentile(3).id(),
                                new DatasetOptions.Classes(DatasetOptions.Classes.Kind.PERCENTILES, 0, 33.333, 66.667),
                                null, null), split, List.of(
                        ModelEntry.builder("logistic", ModelType.LOGISTIC).grid("l2", 0.0, 0.01).build(),
                        ModelEntry.builder("dnn", ModelType.DNN).set("hidden", List.of(32)).set("optimizer", "adamw")
                                .grid("weightDecay", 0.0, 0.01).set("schedule", "one-cycle").build())))
                .build();
    }

    @Test
    void theJavaFormExpandsToTheSameKeys() throws Exception {
        List<String> yaml = Expander.expand(WorkSpecYaml.read(SPECS.resolve("quickstart.yaml"))).stream()
                .map(ModelSpec::key).toList();
        List<String> java = Expander.expand(quickstartInJava()).stream().map(ModelSpec::key).toList();
        assertThat(java).isEqualTo(yaml);
    }

    @Test
    void keysFollowContentNotNames() throws Exception {
        WorkSpec spec = WorkSpecYaml.read(SPECS.resolve("quickstart.yaml"));
        String text = WorkSpecYaml.write(spec);
        String renamed = text.replace("name: 'dnn'", "name: 'dense'").replace("members: ['dnn']", "members: ['dense']")
                .replace("name: 'direction-3bar'", "name: 'dir'");
        List<String> a = Expander.expand(spec).stream().map(ModelSpec::key).toList();
        List<String> b = Expander.expand(WorkSpecYaml.read("r", renamed, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false))
                .stream().map(ModelSpec::key).toList();
        assertThat(b).isEqualTo(a);
        String changed = text.replace("lr: 0.01", "lr: 0.02");
        List<String> c = Expander.expand(WorkSpecYaml.read("c", changed, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false))
                .stream().map(ModelSpec::key).toList();
        assertThat(c.subList(0, 4)).doesNotContainAnyElementsOf(a);
        assertThat(c.subList(4, c.size())).isEqualTo(a.subList(4, a.size()));
        // changing a member changes the ensemble's key
        String member = text.replace("dropout: [0.0, 0.2]", "dropout: [0.0, 0.3]");
        List<ModelSpec> d = Expander.expand(WorkSpecYaml.read("d", member, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false));
        ModelSpec before = Expander.expand(spec).stream().filter(m -> m.name().startsWith("vote")).findFirst().orElseThrow();
        ModelSpec after = d.stream().filter(m -> m.name().startsWith("vote")).findFirst().orElseThrow();
        assertThat(after.key()).isNotEqualTo(before.key());
    }

    @Test
    void everyMistakeIsReportedWithLineColumnAndHint() {
        String yaml = """
                name: broken
                execution: {maxModels: 10}
                units:
                  - name: u
                    featureset: quikstart
                    dataset: {task: clasification}
                    split: {type: chronological, train: 0.8, validation: 0.2, test: 0.0}
                    models:
                      - name: a
                        type: dnnn
                      - name: b
                        type: dnn
                        hiden: [8]
                        dropout: 1.0
                        hidden: [[8], [-3]]
                        lr: 0.01
                        training: {epocs: 3, batchSize: []}
                  - name: v
                    featureset:
                      base: {market: "bitstamp:btc_usd", timeframe: 5m}
                      features: [Close(), "LogReturns().lookforward(1)"]
                      labels: [FutureReturn(1)]
                    dataset: {task: regression, label: "FutureReturn(2)"}
                    split: {type: walkforward}
                    models:
                      - {name: c, type: linear, l2: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]}
                  - name: w
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)", classes: {percentiles: [33, 67]}}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: d, type: logistic}
                """;
        assertThatThrownBy(() -> WorkSpecYaml.read("broken.yaml", yaml, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false))
                .isInstanceOfSatisfying(WorkSpecException.class, e -> {
                    String m = e.getMessage();
                    assertThat(m).contains("broken.yaml:5:17: units[0].featureset: unknown featureset 'quikstart'; did you mean 'quickstart'?")
                            .contains("broken.yaml:6:").contains("units[0].dataset.task: must be one of [regression, classification], got 'clasification'; did you mean 'classification'?")
                            .contains("units[0].split.test: leaves the test part empty")
                            .contains("broken.yaml:10:").contains("unknown model type 'dnnn'; did you mean 'dnn'?")
                            .contains("broken.yaml:13:9: units[0].models[1].hiden: unknown hyperparameter of dnn; did you mean 'hidden'?")
                            .contains("broken.yaml:14:18: units[0].models[1].dropout: must be in [0, 1), got 1")
                            .contains("units[0].models[1].hidden: must be in [1, 100000], got -3")
                            .contains("units[0].models[1].lr: unknown hyperparameter of dnn (a training setting: put it under training:)")
                            .contains("units[0].models[1].training.epocs: unknown training setting; did you mean 'epochs'?")
                            .contains("units[0].models[1].training.batchSize: an empty grid gives no models")
                            .contains("units[1].featureset.features[1]: this is a label")
                            .contains("units[1].split.type: unknown split 'walkforward'; did you mean 'walk-forward'?")
                            .contains("broken.yaml:29:66: units[2].dataset.classes: the label UpDown(3) is classes "
                                    + "already (0..1); classes: is for a label with real values, such as "
                                    + "FutureReturn(n): drop it");
                    assertThat(e.problems()).allSatisfy(p -> assertThat(p.line()).isPositive());
                });
        String noLabel = """
                name: x
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: regression, label: "FutureReturn(2)"}
                    split: {type: chronological}
                    models: [{name: c, type: linear}]
                """;
        assertThatThrownBy(() -> WorkSpecYaml.read("l.yaml", noLabel, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false))
                .hasMessageContaining("l.yaml:5:40: units[0].dataset.label: the featureset has no label FutureReturn(2)");
        String big = """
                name: big
                execution: {maxModels: 10}
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: regression, label: "FutureReturn(1)"}
                    split: {type: chronological}
                    models:
                      - {name: c, type: linear, l2: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]}
                """;
        assertThatThrownBy(() -> WorkSpecYaml.read("big.yaml", big, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false))
                .hasMessageContaining("expand to 11 models, more than execution.maxModels = 10")
                .hasMessageContaining("--confirm-large");
        assertThat(Expander.expand(WorkSpecYaml.read("big.yaml", big, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), true), true))
                .hasSize(11);
        assertThatThrownBy(() -> WorkSpecYaml.read("s.yaml", "name: [x\n", FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false))
                .hasMessageContaining("s.yaml:").hasMessageContaining("not valid YAML");
    }

    @Test
    void tradingRulesAreReadWrittenAndRefusedWithTheirPlace() {
        String yaml = """
                name: t
                trading: {book: non-overlapping, threshold: 0.0005, fullSizeAt: 0.002}
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: regression, label: "FutureReturn(1)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: l, type: linear}
                """;
        FeaturesetLocator loc = FeaturesetLocator.beside(SPECS.resolve("x.yaml"));
        WorkSpec ws = WorkSpecYaml.read("t.yaml", yaml, loc, false);
        assertThat(ws.trading()).isEqualTo(new TradingRules(TradingRules.Book.NON_OVERLAPPING, 0.0005, 0.002));
        assertThat(WorkSpecYaml.read("t2.yaml", WorkSpecYaml.write(ws), loc, false).trading()).isEqualTo(ws.trading());
        // within the threshold: flat; between it and fullSizeAt: a share; beyond: the whole capital
        assertThat(ws.trading().position(0.0004)).isZero();
        assertThat(ws.trading().position(-0.001)).isEqualTo(-0.5);
        assertThat(ws.trading().position(0.01)).isEqualTo(1.0);
        assertThat(TradingRules.DEFAULT.position(1e-9)).isEqualTo(1.0);
        // classifiers: a probability the predicted class must reach, read, written back and refused out of range
        String withP = yaml.replace("fullSizeAt: 0.002}", "fullSizeAt: 0.002, minProbability: 0.55}");
        WorkSpec p = WorkSpecYaml.read("p.yaml", withP, loc, false);
        assertThat(p.trading().minProbability()).isEqualTo(0.55);
        assertThat(p.trading().confident(2, new double[] {0.2, 0.2, 0.6})).isTrue();
        assertThat(p.trading().confident(2, new double[] {0.3, 0.2, 0.5})).isFalse();
        assertThat(WorkSpecYaml.read("p2.yaml", WorkSpecYaml.write(p), loc, false).trading()).isEqualTo(p.trading());
        assertThatThrownBy(() -> WorkSpecYaml.read("p3.yaml", withP.replace("0.55", "1.5"), loc, false))
                .isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                        .contains("p3.yaml:2:").contains("trading.minProbability"));
        assertThat(WorkSpecYaml.read("d.yaml", yaml.replace("trading: {book: non-overlapping, threshold: 0.0005, "
                + "fullSizeAt: 0.002}\n", ""), loc, false).trading()).isEqualTo(TradingRules.DEFAULT);
        assertThatThrownBy(() -> WorkSpecYaml.read("bad.yaml", yaml.replace("non-overlapping", "overlapping")
                .replace("fullSizeAt: 0.002", "fullSizeAt: 0.0001"), loc, false))
                .isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                        .contains("bad.yaml:2:").contains("trading.book: must be staggered").contains("'overlapping'"));
        assertThatThrownBy(() -> WorkSpecYaml.read("bad2.yaml", yaml.replace("fullSizeAt: 0.002", "fullSizeAt: 0.0001"),
                loc, false)).isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                        .contains("bad2.yaml:2:").contains("fullSizeAt must be 0").contains("above the threshold"));
    }

    @Test
    void aUnitMayAskForSparkBuildsWhichKeepTheKeysAndSurviveTheCopySentToACluster() {
        String yaml = """
                name: s
                units:
                  - name: u
                    featureset: {name: quickstart, engine: spark, master: "local[2]"}
                    dataset: {task: regression, label: "FutureReturn(1)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: l, type: linear}
                """;
        FeaturesetLocator loc = FeaturesetLocator.beside(SPECS.resolve("x.yaml"));
        WorkSpec ws = WorkSpecYaml.read("s.yaml", yaml, loc, false);
        assertThat(ws.units().get(0).build()).isEqualTo(new FeatureBuild("spark", "local[2]", null));
        assertThat(ws.units().get(0).featuresetName()).isEqualTo("quickstart");
        WorkSpec local = WorkSpecYaml.read("l.yaml", yaml.replace(", engine: spark, master: \"local[2]\"}", "}"),
                loc, false);
        assertThat(local.units().get(0).build()).isEqualTo(FeatureBuild.LOCAL);
        // the engine is not part of a model's identity: both engines build the same matrix
        assertThat(Expander.expand(ws).get(0).key()).isEqualTo(Expander.expand(local).get(0).key());
        for (String copy : List.of(WorkSpecYaml.write(ws), WorkSpecYaml.writeSelfContained(ws))) {
            WorkSpec back = WorkSpecYaml.read("copy.yaml", copy, loc, false);
            assertThat(back.units().get(0).build()).as(copy).isEqualTo(ws.units().get(0).build());
            assertThat(Expander.expand(back).get(0).key()).isEqualTo(Expander.expand(ws).get(0).key());
        }
        WorkSpec lake = WorkSpecYaml.read("k.yaml", yaml.replace("master: \"local[2]\"", "lake: /data/lake"), loc, false);
        assertThat(lake.units().get(0).build()).isEqualTo(new FeatureBuild("spark", null, "/data/lake"));
        assertThatThrownBy(() -> WorkSpecYaml.read("bad.yaml", yaml.replace("engine: spark", "engine: flink"), loc, false))
                .isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                        .contains("bad.yaml:4:").contains("units[0].featureset.engine").contains("local or spark"));
        assertThatThrownBy(() -> WorkSpecYaml.read("bad2.yaml", yaml.replace("engine: spark, ", ""), loc, false))
                .isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                        .contains("bad2.yaml:4:").contains("master is for engine: spark only"));
        assertThatThrownBy(() -> WorkSpecYaml.read("bad3.yaml", yaml.replace("local[2]", "yarn"), loc, false))
                .isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                        .contains("bad3.yaml:4:").contains("spark://HOST:PORT").contains("'yarn'"));
    }

    @Test
    void topLevelXFieldsHoldAnchorsThatUnitsAndModelsMerge() {
        String yaml = """
                name: anchored
                x-split: &split {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                x-dnn: &dnn
                  type: dnn
                  hidden: [[8]]
                  training: {epochs: 3, lr: [0.001, 0.01]}
                units:
                  - name: a
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: *split
                    models:
                      - {<<: *dnn, name: small}
                      - {<<: *dnn, name: wide, hidden: [[32]]}
                """;
        FeaturesetLocator loc = FeaturesetLocator.beside(SPECS.resolve("x.yaml"));
        WorkSpec ws = WorkSpecYaml.read("a.yaml", yaml, loc, false);
        List<ModelSpec> models = Expander.expand(ws);
        assertThat(models).hasSize(4);
        assertThat(models.stream().filter(m -> m.name().startsWith("wide")).map(m -> m.hyper().get("hidden")).toList())
                .allMatch(h -> h.equals(List.of(32)));
        assertThat(models).allMatch(m -> m.training().get("epochs").equals(3));
        // only at the top: inside a unit an x- field is still a mistake, named with its place
        assertThatThrownBy(() -> WorkSpecYaml.read("b.yaml", yaml.replace("  - name: a\n", "  - name: a\n    x-note: 1\n"),
                loc, false)).isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                        .contains("b.yaml:9:").contains("units[0].x-note: unknown field"));
    }

    @Test
    void tradingCostsAreReadWrittenAndRefusedWithTheirPlace() {
        String yaml = """
                name: c
                costs: {feeBps: 7.5, spreadBps: 1}
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: l, type: logistic}
                """;
        FeaturesetLocator loc = FeaturesetLocator.beside(SPECS.resolve("x.yaml"));
        WorkSpec ws = WorkSpecYaml.read("c.yaml", yaml, loc, false);
        assertThat(ws.costs()).isEqualTo(new Costs(7.5, 1));
        // one unit traded costs the fee and half the spread
        assertThat(ws.costs().perUnit()).isEqualTo(0.0008);
        assertThat(WorkSpecYaml.read("c2.yaml", WorkSpecYaml.write(ws), loc, false).costs()).isEqualTo(ws.costs());
        // costs are how results are judged, not how models are trained: the keys do not change with them
        WorkSpec free = WorkSpecYaml.read("d.yaml", yaml.replace("costs: {feeBps: 7.5, spreadBps: 1}\n", ""), loc, false);
        assertThat(free.costs()).isNull();
        assertThat(Expander.expand(free, false).get(0).key()).isEqualTo(Expander.expand(ws, false).get(0).key());
        assertThat(Costs.defaultFor("binance")).isEqualTo(new Costs(10, 2));
        assertThat(Costs.defaultFor("somewhere")).isEqualTo(Costs.FALLBACK);
        assertThatThrownBy(() -> WorkSpecYaml.read("bad.yaml", yaml.replace("feeBps: 7.5", "feeBps: 2500")
                .replace("spreadBps: 1", "spread: 1"), loc, false))
                .isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                        .contains("bad.yaml:2:").contains("costs.feeBps").contains("2500")
                        .contains("spread"));
    }

    @Test
    void packAndCheckpointSettingsAreReadWrittenAndRefusedWithTheirPlace() {
        String yaml = """
                name: e
                execution: {pack: off, checkpointEvery: 0s}
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: l, type: logistic}
                """;
        FeaturesetLocator loc = FeaturesetLocator.beside(SPECS.resolve("x.yaml"));
        WorkSpec ws = WorkSpecYaml.read("e.yaml", yaml, loc, false);
        assertThat(ws.execution().pack()).isFalse();
        assertThat(ws.execution().checkpointEvery()).isZero();
        WorkSpec back = WorkSpecYaml.read("e2.yaml", WorkSpecYaml.write(ws), loc, false);
        assertThat(back.execution()).isEqualTo(ws.execution());
        assertThat(WorkSpecYaml.read("d.yaml", yaml.replace("execution: {pack: off, checkpointEvery: 0s}\n", ""), loc,
                false).execution()).satisfies(e -> {
                    assertThat(e.pack()).isTrue();
                    assertThat(e.checkpointEvery()).isEqualTo(Execution.CHECKPOINT_EVERY);
                });
        assertThatThrownBy(() -> WorkSpecYaml.read("bad.yaml", yaml.replace("pack: off, checkpointEvery: 0s",
                "pack: sometimes, checkpointEvery: soon"), loc, false))
                .isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                        .contains("bad.yaml:2:19: execution.pack: must be auto (small dense models of one shape train "
                                + "together) or off (each model alone), got 'sometimes'")
                        .contains("bad.yaml:2:47: execution.checkpointEvery: must be a duration such as 500ms, 30s"));
    }

    @Test
    void anchorsAliasesAndMergeKeysReadAsTheWrittenOutSpec() throws Exception {
        String written = """
                name: anchors
                units:
                  - name: a
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)", scaling: zscore}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: dnn, type: dnn, hidden: [[16]], training: {epochs: 20, lr: 0.001, batchSize: 64}}
                      - {name: small, type: dnn, hidden: [[8]], training: {epochs: 5, lr: 0.001, batchSize: 64}}
                  - name: b
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)", scaling: robust}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: dnn, type: dnn, hidden: [[16]], training: {epochs: 20, lr: 0.001, batchSize: 64}}
                      - {name: small, type: dnn, hidden: [[8]], training: {epochs: 5, lr: 0.001, batchSize: 64}}
                """;
        String anchored = """
                name: anchors
                units:
                  - name: a
                    featureset: quickstart
                    dataset: &data {task: classification, label: "UpDown(3)", scaling: zscore}
                    split: &split {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models: &models
                      - {name: dnn, type: dnn, hidden: [[16]], training: &train {epochs: 20, lr: 0.001, batchSize: 64}}
                      - name: small
                        type: dnn
                        hidden: [[8]]
                        training: {<<: *train, epochs: 5}
                  - name: b
                    featureset: quickstart
                    dataset: {<<: *data, scaling: robust}
                    split: *split
                    models: *models
                """;
        WorkSpec a = WorkSpecYaml.read("written.yaml", written, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false);
        WorkSpec b = WorkSpecYaml.read("anchored.yaml", anchored, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false);
        assertThat(Expander.expand(b).stream().map(ModelSpec::key).toList()).hasSize(4)
                .isEqualTo(Expander.expand(a).stream().map(ModelSpec::key).toList());
        // an alias without its anchor is a located error
        assertThatThrownBy(() -> WorkSpecYaml.read("bad.yaml", anchored.replace("models: *models", "models: *model"),
                FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false)).hasMessageContaining("bad.yaml:17").hasMessageContaining("unknown alias *model");
    }

    @Test
    void anInlineFeaturesetTakesAnAliasedListOfExpressionsInPlace() throws Exception {
        String unit = """
                  - name: %s
                    featureset:
                      name: %s
                      base: {market: "bitstamp:btc_usd", timeframe: 5m}
                      features: %s
                      labels: [UpDown(3)]
                    dataset: {task: classification, label: "UpDown(3)", scaling: zscore}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models: [{name: dnn, type: dnn, hidden: [[16]], training: {epochs: 2, lr: 0.001, batchSize: 64}}]
                """;
        String written = "name: spliced\nunits:\n"
                + unit.formatted("a", "a", "[LogReturns(), LogReturns().lookback(5)]")
                + unit.formatted("b", "b", "[LogReturns(), LogReturns().lookback(5), RSI(14)]");
        String anchored = "name: spliced\nunits:\n"
                + unit.formatted("a", "a", "&returns [LogReturns(), LogReturns().lookback(5)]")
                + unit.formatted("b", "b", "[*returns, RSI(14)]");
        FeaturesetLocator none = FeaturesetLocator.beside(SPECS.resolve("x.yaml"));
        WorkSpec a = WorkSpecYaml.read("written.yaml", written, none, false);
        WorkSpec b = WorkSpecYaml.read("anchored.yaml", anchored, none, false);
        assertThat(b.units().get(1).featureset()).isEqualTo(a.units().get(1).featureset());
        assertThat(b.units().get(1).featureset().features()).hasSize(3);
        assertThat(Expander.expand(b).stream().map(ModelSpec::key).toList())
                .isEqualTo(Expander.expand(a).stream().map(ModelSpec::key).toList());
    }

    @Test
    void anInlineFillLimitIsPartOfTheKeysAndRoundTrips() throws Exception {
        String spec = """
                name: limited
                units:
                  - name: a
                    featureset:
                      base: {market: "bitstamp:btc_usd", timeframe: 5m}
                      gaps: fill-flat
                      fillLimit: 15m
                      features: [LogReturns()]
                      labels: [UpDown(3)]
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models: [{name: dnn, type: dnn, hidden: [[16]], training: {epochs: 2}}]
                """;
        FeaturesetLocator none = FeaturesetLocator.NONE;
        WorkSpec limited = WorkSpecYaml.read("limited.yaml", spec, none, false);
        assertThat(limited.units().get(0).featureset().fillLimit()).isEqualTo(java.time.Duration.ofMinutes(15));
        WorkSpec all = WorkSpecYaml.read("all.yaml", spec.replace("      fillLimit: 15m\n", ""), none, false);
        assertThat(Expander.expand(limited).get(0).key()).isNotEqualTo(Expander.expand(all).get(0).key());
        WorkSpec copy = WorkSpecYaml.read("copy.yaml", WorkSpecYaml.writeSelfContained(limited), none, false);
        assertThat(Expander.expand(copy).get(0).key()).isEqualTo(Expander.expand(limited).get(0).key());
        assertThatThrownBy(() -> WorkSpecYaml.read("drop.yaml", spec.replace("gaps: fill-flat", "gaps: drop"), none,
                false)).hasMessageContaining("drop.yaml:7:18: units[0].featureset.fillLimit: applies to gaps: "
                + "fill-flat only");
    }

    @Test
    void inlinePricesMidArePartOfTheKeysAndRoundTrip() throws Exception {
        String spec = """
                name: mid
                units:
                  - name: a
                    featureset:
                      base: {market: "coinbase:btcusd", timeframe: 5m}
                      prices: mid
                      features: [LogReturns(), Spread()]
                      labels: [UpDown(3)]
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models: [{name: dnn, type: dnn, hidden: [[16]], training: {epochs: 2}}]
                """;
        FeaturesetLocator none = FeaturesetLocator.NONE;
        WorkSpec mid = WorkSpecYaml.read("mid.yaml", spec, none, false);
        assertThat(mid.units().get(0).featureset().prices()).isEqualTo(io.atlasj.features.eval.PriceBasis.MID);
        WorkSpec trades = WorkSpecYaml.read("trades.yaml", spec.replace("      prices: mid\n", ""), none, false);
        assertThat(trades.units().get(0).featureset().prices()).isEqualTo(io.atlasj.features.eval.PriceBasis.TRADES);
        assertThat(Expander.expand(mid).get(0).key()).isNotEqualTo(Expander.expand(trades).get(0).key());
        WorkSpec copy = WorkSpecYaml.read("copy.yaml", WorkSpecYaml.writeSelfContained(mid), none, false);
        assertThat(Expander.expand(copy).get(0).key()).isEqualTo(Expander.expand(mid).get(0).key());
        assertThatThrownBy(() -> WorkSpecYaml.read("bad.yaml", spec.replace("prices: mid", "prices: ask"), none,
                false)).hasMessageContaining("bad.yaml:6:15:").hasMessageContaining("units[0].featureset.prices: must be "
                + "trades or mid, got 'ask'");
        assertThatThrownBy(() -> WorkSpecYaml.read("fill.yaml", spec.replace("prices: mid", "prices: mid\n      gaps: "
                + "fill-flat"), none, false)).hasMessageContaining("units[0].featureset.prices: mid reads quote bars");
    }

    @Test
    void aBillionLaughsSpecIsRefusedNotExpanded() {
        StringBuilder y = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            y.append("a").append(i).append(": &a").append(i).append(" [");
            for (int k = 0; k < 10; k++) {
                y.append(k == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            y.append("]\n");
        }
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> io.atlasj.yaml.YamlTree.parse(y.toString()))
                .hasMessageContaining("aliases expand this document to more than 1000000 values");
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
    }

    @Test
    void gradientBoostedTreesTakeTheirOwnSettingsAndRefuseTheNetworksTrainingOnesByLine() throws Exception {
        String ok = """
                name: trees
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - {name: g, type: gbm, maxDepth: [3, 6], eta: 0.1, training: {seed: 7}}
                      - {name: more, type: gbm, rounds: 50, training: {warmStart: base}}
                      - {name: base, type: gbm}
                """;
        WorkSpec ws = WorkSpecYaml.read("trees.yaml", ok, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false);
        List<ModelSpec> specs = Expander.expand(ws);
        assertThat(specs).hasSize(4);
        // a warm start from another entry's trees: the source's key, trained first
        ModelSpec base = specs.stream().filter(m -> m.name().startsWith("base")).findFirst().orElseThrow();
        ModelSpec more = specs.stream().filter(m -> m.name().startsWith("more")).findFirst().orElseThrow();
        assertThat(more.training()).containsEntry("warmStart", base.key());
        assertThat(specs.indexOf(base)).isLessThan(specs.indexOf(more));
        assertThat(specs.get(0).hyper()).containsEntry("eta", 0.1).containsEntry("rounds", 500)
                .containsEntry("earlyStopping", 50);
        assertThat(specs.get(0).seed()).isEqualTo(7L);
        String bad = """
                name: trees
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    models:
                      - name: g
                        type: gbm
                        maxDepth: 0
                        training: {epochs: 30, seed: 7}
                """;
        assertThatThrownBy(() -> WorkSpecYaml.read("trees.yaml", bad, FeaturesetLocator.beside(SPECS.resolve("x.yaml")),
                false)).isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                .contains("trees.yaml:10:").contains("units[0].models[0].maxDepth: must be in [1, 64], got 0")
                .contains("trees.yaml:11:").contains("units[0].models[0].training.epochs: does not apply to gbm")
                .contains("2 problem(s)")); // seed is a training setting gbm takes
    }

    @Test
    void aUnitsSearchIsReadWrittenBackAndItsMistakesAreLocated() throws Exception {
        String ok = """
                name: s
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    search: {type: asha, resource: epochs, min: 2, max: 50, reduction: 3}
                    models:
                      - {name: d, type: dnn, hidden: [[8]], training: {lr: [0.001, 0.01]}}
                  - name: v
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    search: {type: median, after: 4}
                    models:
                      - {name: d, type: dnn, hidden: [[4]]}
                """;
        WorkSpec ws = WorkSpecYaml.read("s.yaml", ok, FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false);
        assertThat(ws.units().get(0).search()).isEqualTo(Search.asha(2, 50, 3));
        assertThat(ws.units().get(1).search()).isEqualTo(Search.median(4, 3));
        assertThat(Search.asha(2, 50, 3).rung(2)).isTrue();
        assertThat(Search.asha(2, 50, 3).rung(6)).isTrue();
        assertThat(Search.asha(2, 50, 3).rung(18)).isTrue();
        assertThat(Search.asha(2, 50, 3).rung(54)).isFalse(); // at or beyond max
        assertThat(Search.asha(2, 50, 3).rung(3)).isFalse();
        assertThat(Search.asha(2, 0, 3).rung(54)).isTrue();
        // the self-contained YAML a cluster node reads carries the search, and the keys do not change
        WorkSpec back = WorkSpecYaml.read("back.yaml", WorkSpecYaml.writeSelfContained(ws),
                FeaturesetLocator.beside(SPECS.resolve("x.yaml")), false);
        assertThat(back.units().get(0).search()).isEqualTo(ws.units().get(0).search());
        assertThat(back.units().get(1).search()).isEqualTo(ws.units().get(1).search());
        assertThat(Expander.expand(back).stream().map(ModelSpec::key).toList())
                .isEqualTo(Expander.expand(ws).stream().map(ModelSpec::key).toList());
        String bad = """
                name: s
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    search: {type: asha, resource: steps, min: 0, after: 3}
                    models:
                      - {name: d, type: dnn, hidden: [[8]]}
                  - name: v
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)"}
                    split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                    search: {type: hyperband}
                    models:
                      - {name: d, type: dnn, hidden: [[8]]}
                """;
        assertThatThrownBy(() -> WorkSpecYaml.read("s.yaml", bad, FeaturesetLocator.beside(SPECS.resolve("x.yaml")),
                false)).isInstanceOfSatisfying(WorkSpecException.class, e -> assertThat(e.getMessage())
                .contains("s.yaml:7:").contains("units[0].search.after: not a field of a asha search")
                .contains("units[0].search.resource: must be epochs")
                .contains("units[0].search.min: must be in [1, 1000000], got 0")
                .contains("s.yaml:14:").contains("units[1].search.type: unknown search 'hyperband'"));
    }
}
