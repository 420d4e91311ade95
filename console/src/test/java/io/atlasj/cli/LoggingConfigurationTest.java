package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.api.Test;

/**
 * The CLI's own Log4j configuration ({@code log4j2.properties} of the console module, which the distribution runs
 * with; the tests run with {@code log4j2-test.xml}): warnings and errors on stderr, the noisy libraries quieted, and
 * the levels the cluster's nodes raise with {@code -Dlog4j2.level} and {@code -Datlas.pekko.level}.
 */
class LoggingConfigurationTest {

    private static Configuration load() throws Exception {
        ConfigurationSource source = ConfigurationSource.fromResource("log4j2.properties",
                LoggingConfigurationTest.class.getClassLoader());
        assertThat(source).as("log4j2.properties on the console module's classpath").isNotNull();
        Configuration c = new PropertiesConfigurationFactory().getConfiguration(new LoggerContext("test"), source);
        c.initialize();
        return c;
    }

    private static Level level(Configuration c, String logger) {
        return c.getLoggerConfig(logger).getLevel();
    }

    @Test
    void warningsGoToStderrAndTheNoisyLibrariesAreQuiet() throws Exception {
        Configuration c = load();
        assertThat(c.getRootLogger().getLevel()).isEqualTo(Level.WARN);
        assertThat(c.getRootLogger().getAppenders()).hasSize(1);
        ConsoleAppender out = (ConsoleAppender) c.getRootLogger().getAppenders().values().iterator().next();
        assertThat(out.getTarget()).isEqualTo(ConsoleAppender.Target.SYSTEM_ERR);
        assertThat(level(c, "org.apache.pekko.remote.artery.Association")).isEqualTo(Level.ERROR);
        assertThat(level(c, "org.nd4j.imports.converters.ImportClassMapping")).isEqualTo(Level.ERROR);
        assertThat(level(c, "org.nd4j.linalg.factory.Nd4jBackend")).isEqualTo(Level.WARN);
        assertThat(level(c, "org.apache.hadoop.util.NativeCodeLoader")).isEqualTo(Level.ERROR);
        assertThat(level(c, "org.apache.spark.SparkContext")).isEqualTo(Level.ERROR);
        assertThat(level(c, "org.apache.spark.executor.Executor")).isEqualTo(Level.OFF);
        assertThat(level(c, "org.apache.spark.scheduler.TaskSetManager")).isEqualTo(Level.OFF);
        c.stop();
    }

    @Test
    void aNodeRaisesTheLevelsByProperty() throws Exception {
        String level = System.getProperty("log4j2.level");
        String pekko = System.getProperty("atlas.pekko.level");
        System.setProperty("log4j2.level", "INFO");
        System.setProperty("atlas.pekko.level", "INFO");
        try {
            Configuration c = load();
            assertThat(c.getRootLogger().getLevel()).isEqualTo(Level.INFO);
            assertThat(level(c, "org.apache.pekko.cluster.Cluster")).isEqualTo(Level.INFO);
            assertThat(level(c, "org.nd4j.imports.converters.ImportClassMapping")).isEqualTo(Level.ERROR);
            c.stop();
        } finally {
            restore("log4j2.level", level);
            restore("atlas.pekko.level", pekko);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
