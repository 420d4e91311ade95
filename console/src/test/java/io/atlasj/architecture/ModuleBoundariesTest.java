package io.atlasj.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package boundaries of docs/architecture.md, as a build rule over the compiled classes of every
 * module (this test's classpath holds them all): DL4J and ND4J stay in the training package, Pekko in the cluster
 * package, the scheduling core is plain Java, and dependencies between modules point one way.
 */
class ModuleBoundariesTest {
    static JavaClasses atlas;

    @BeforeAll
    static void load() {
        // the rules are about the product's code: test classes are left out, those of a module's test jar (on this
        // module's test class path for shared helpers) as well as this module's own
        atlas = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.atlasj");
    }

    @Test
    void dl4jNd4jAndXgboostStayInTheTrainingPackage() {
        noClasses().that().resideOutsideOfPackage("io.atlasj.trainer.model..")
                .should().dependOnClassesThat().resideInAnyPackage("org.nd4j..", "org.deeplearning4j..", "org.bytedeco..",
                        "ml.dmlc..")
                .because("DL4J/ND4J and XGBoost sit behind io.atlasj.trainer.model (ModelTrainer, Predictor, Backend)")
                .check(atlas);
    }

    @Test
    void pekkoStaysInTheClusterPackage() {
        noClasses().that().resideOutsideOfPackage("io.atlasj.trainer.cluster..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "com.typesafe.config..")
                .because("Pekko is the cluster's transport only; specs, results, the engine and the CLI never see it")
                .check(atlas);
    }

    @Test
    void theSchedulingCoreIsPlainJava() {
        noClasses().that().resideInAPackage("io.atlasj.trainer.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.atlasj.trainer.cluster..",
                        "io.atlasj.trainer.local..", "io.atlasj.trainer.model..", "io.atlasj.harvester..", "java.sql..",
                        "java.nio.file..")
                .because("the run book holds the rules only; drivers do the I/O")
                .check(atlas);
    }

    @Test
    void featureDslDependsOnNoOtherModule() {
        noClasses().that().resideInAnyPackage("io.atlasj.features..", "io.atlasj.marketdata..", "io.atlasj.home..",
                        "io.atlasj.yaml..")
                .should().dependOnClassesThat().resideInAnyPackage("io.atlasj.workspec..", "io.atlasj.trainer..",
                        "io.atlasj.harvester..", "io.atlasj.stats..", "io.atlasj.cli..")
                .check(atlas);
    }

    @Test
    void workspecDependsOnFeatureDslOnly() {
        noClasses().that().resideInAPackage("io.atlasj.workspec..")
                .should().dependOnClassesThat().resideInAnyPackage("io.atlasj.trainer..", "io.atlasj.harvester..",
                        "io.atlasj.stats..", "io.atlasj.cli..")
                .check(atlas);
    }

    @Test
    void harvesterAndStatsKnowNoTrainerAndNoCli() {
        noClasses().that().resideInAnyPackage("io.atlasj.harvester..", "io.atlasj.stats..")
                .should().dependOnClassesThat().resideInAnyPackage("io.atlasj.trainer..", "io.atlasj.cli..")
                .check(atlas);
    }

    @Test
    void theMarketDataStoreKnowsNoFeature() {
        noClasses().that().resideInAPackage("io.atlasj.marketdata..")
                .should().dependOnClassesThat().resideInAPackage("io.atlasj.features..")
                .because("features read market data through SeriesSource; the store does not know features")
                .check(atlas);
    }

    @Test
    void theYamlReaderKnowsNoFeatureAndNoSpec() {
        noClasses().that().resideInAPackage("io.atlasj.yaml..")
                .should().dependOnClassesThat().resideInAnyPackage("io.atlasj.features..", "io.atlasj.marketdata..",
                        "io.atlasj.workspec..")
                .because("featuresets and WorkSpecs bind its nodes; the reader itself is plain YAML")
                .check(atlas);
    }
}
