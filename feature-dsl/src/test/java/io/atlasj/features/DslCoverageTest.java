package io.atlasj.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every feature and label of the library has its Java entry point in {@link Dsl}, named as in the text form. */
class DslCoverageTest {
    @Test
    void everyKindHasAJavaEntryPoint() {
        Set<String> methods = Arrays.stream(Dsl.class.getMethods()).filter(m -> Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toSet());
        for (FeatureKind k : Library.all()) {
            if (k.shape() == FeatureKind.Shape.LEAF || k.shape() == FeatureKind.Shape.FUNCTION) {
                assertThat(methods).as(k.name()).contains(k.name());
            }
        }
        for (LabelKind k : LabelKind.all()) {
            assertThat(methods).as(k.name()).contains(k.name());
        }
    }

    @Test
    void everyKindHasADescriptionAndDefaultsThatAreValid() {
        for (FeatureKind k : Library.all()) {
            assertThat(k.description()).as(k.name()).isNotBlank();
            if (k.params().stream().allMatch(p -> p.defaultValue() != null)) {
                assertThat(k.withDefaults()).hasSize(k.params().size());
            }
        }
    }
}
