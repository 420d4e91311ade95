package io.atlasj.features.parse;

import static io.atlasj.features.Dsl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import org.junit.jupiter.api.Test;

/** The text form reads like the Java form; mistakes point at the character and suggest the closest name. */
class FeatureParserTest {
    @Test
    void theDesignCardExampleReadsTheSameInJavaAndText() {
        Label java = LogReturns().eth().oneMin().lookforward(1);
        Label text = FeatureParser.parseLabel("LogReturns().eth().oneMin().lookforward(1)");
        assertThat(text).isEqualTo(java);
        assertThat(java.id()).isEqualTo("LogReturns(1).asset(\"eth\").timeframe(\"1m\").lookforward(1)");

        Feature atlasReadme = LogReturns().bitstamp().btcUsd().oneMin().lookback(1);
        assertThat(FeatureParser.parseFeature("LogReturns().bitstamp().btcUsd().oneMin().lookback(1)")).isEqualTo(atlasReadme);
        assertThat(atlasReadme.id())
                .isEqualTo("LogReturns(1).exchange(\"bitstamp\").asset(\"btc\").quote(\"usd\").timeframe(\"1m\")");
    }

    @Test
    void stepsReturnNewValuesAndNeverChangeTheOriginal() {
        Feature base = LogReturns();
        Feature eth = base.eth();
        Feature hourly = eth.oneHour();
        assertThat(base.id()).isEqualTo("LogReturns(1)");
        assertThat(eth.id()).isEqualTo("LogReturns(1).asset(\"eth\")");
        assertThat(hourly.id()).isEqualTo("LogReturns(1).asset(\"eth\").timeframe(\"1h\")");
        assertThat(base.lookback(5)).isNotEqualTo(base);
        assertThat(base.lookback(5).id()).isEqualTo("LogReturns(5)");
    }

    @Test
    void aStepOnACombinationReachesEveryPartThatLeftItUnset() {
        Feature f = Correlation(LogReturns(), LogReturns().btc(), 60).eth().binance().oneHour();
        assertThat(f.id()).isEqualTo("Correlation(LogReturns(1).exchange(\"binance\").asset(\"eth\").timeframe(\"1h\"), "
                + "LogReturns(1).exchange(\"binance\").asset(\"btc\").timeframe(\"1h\"), 60)");
        assertThat(FeatureParser.parseFeature(f.id())).isEqualTo(f);
        Feature arithmetic = FeatureParser.parseFeature("Close().minus(SMA(20)).div(ATR(14)).clip(-3, 3)");
        assertThat(arithmetic).isEqualTo(Close().minus(SMA(20)).div(ATR(14)).clip(-3, 3));
        assertThat(FeatureParser.parseFeature("Close().minus(100.5)")).isEqualTo(Close().minus(100.5));
    }

    @Test
    void unknownNamesArePointedAtWithTheClosestKnownName() {
        assertThatThrownBy(() -> FeatureParser.parseFeature("RSI(14).zscore(20).plus(LogRetrns())"))
                .isInstanceOfSatisfying(FeatureParseException.class, e -> {
                    assertThat(e.position()).isEqualTo(24);
                    assertThat(e.reason()).contains("unknown feature 'LogRetrns'").contains("did you mean 'LogReturns'");
                    assertThat(e.getMessage()).contains("\n  " + " ".repeat(24) + "^");
                });
        assertThatThrownBy(() -> FeatureParser.parseFeature("Close().zscor(20)"))
                .hasMessageContaining("at character 9: unknown step 'zscor'; did you mean 'zscore'?");
        assertThatThrownBy(() -> FeatureParser.parseFeature("Close().oneMinute()"))
                .hasMessageContaining("did you mean 'oneMin'?");
    }

    @Test
    void badParametersAndSyntaxAreExplained() {
        assertThatThrownBy(() -> FeatureParser.parseFeature("SMA(-3)"))
                .hasMessageContaining("SMA: window must be in [1, 1000000], got -3");
        assertThatThrownBy(() -> FeatureParser.parseFeature("SMA(2.5)"))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> FeatureParser.parseFeature("Close().lag(1"))
                .hasMessageContaining("')' is missing");
        assertThatThrownBy(() -> FeatureParser.parseFeature("Close().timeframe(\"7m\")"))
                .hasMessageContaining("timeframe '7m': a length under a day must divide a day");
        assertThatThrownBy(() -> FeatureParser.parseFeature("Close() Open()"))
                .hasMessageContaining("at character 9");
        assertThatThrownBy(() -> FeatureParser.parseFeature("LogReturns().window(3)"))
                .hasMessageContaining("LogReturns has no parameter 'window'; its parameters: lookback");
    }

    @Test
    void aLabelIsRefusedAsAnInputAndAFeatureAsALabel() {
        assertThatThrownBy(() -> FeatureParser.parseFeature("LogReturns().lookforward(1)"))
                .hasMessageContaining("this is a label").hasMessageContaining("label side");
        assertThatThrownBy(() -> FeatureParser.parseFeature("Correlation(LogReturns().lookforward(1), Close())"))
                .hasMessageContaining("a label cannot be an input of Correlation");
        assertThatThrownBy(() -> FeatureParser.parseLabel("LogReturns()"))
                .hasMessageContaining("a label needs .lookforward(n)");
        assertThatThrownBy(() -> FeatureParser.parseFeature("Close().lookforward(2).lag(1)"))
                .hasMessageContaining("'lag' cannot follow a label");
    }

    @Test
    void deepExpressionsAreLocatedErrorsNotStackOverflows() {
        String chain = "Close()" + ".lag(1)".repeat(3_000);
        assertThatThrownBy(() -> FeatureParser.parseFeature(chain))
                .isInstanceOfSatisfying(FeatureParseException.class, e -> {
                    assertThat(e.reason()).contains("more than 256 steps deep");
                    assertThat(e.position()).isEqualTo("Close()".length() + 255 * ".lag(1)".length() + 1); // the 256th step
                });
        String nested = "Close().plus(".repeat(3_000) + "Close()" + ")".repeat(3_000);
        assertThatThrownBy(() -> FeatureParser.parseFeature(nested))
                .isInstanceOfSatisfying(FeatureParseException.class,
                        e -> assertThat(e.reason()).contains("features nest more than 256 deep"));
        // up to the limit they parse and print back
        String deep = "Close()" + ".lag(1)".repeat(200);
        Feature f = FeatureParser.parseFeature(deep);
        assertThat(FeatureParser.parseFeature(f.toString())).isEqualTo(f);
    }
}
