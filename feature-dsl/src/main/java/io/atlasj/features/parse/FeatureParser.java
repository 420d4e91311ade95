package io.atlasj.features.parse;

import io.atlasj.features.Feature;
import io.atlasj.features.FeatureKind;
import io.atlasj.features.Label;
import io.atlasj.features.LabelKind;
import io.atlasj.features.Library;
import io.atlasj.features.Steps;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the DSL's text form, the same as the Java form after {@code import static io.atlasj.features.Dsl.*}:
 * {@code LogReturns().eth().oneMin().lookforward(1)}, {@code RSI(14).zscore(50)},
 * {@code Correlation(LogReturns(), LogReturns().btc(), 60)}, {@code Close().minus(SMA(20)).div(ATR(14))}.
 *
 * <pre>
 * expr    := call ('.' call)*
 * call    := NAME '(' [arg (',' arg)*] ')'
 * arg     := NUMBER | STRING | expr
 * </pre>
 * Errors point at the character and suggest the closest known name.
 */
public final class FeatureParser {
    private static final Map<String, Method> NO_ARG_STEPS = new TreeMap<>();
    private static final Map<String, Method> STRING_STEPS = new TreeMap<>();

    static {
        for (Method m : Steps.class.getMethods()) {
            if (!m.isDefault()) {
                continue;
            }
            if (m.getParameterCount() == 0) {
                NO_ARG_STEPS.put(m.getName(), m);
            } else if (m.getParameterCount() == 1 && m.getParameterTypes()[0] == String.class) {
                STRING_STEPS.put(m.getName(), m);
            }
        }
    }

    private static final Set<String> FEATURE_STEPS = Set.of("lookback", "window", "lag", "diff", "zscore", "clip",
            "plus", "minus", "times", "div", "lookforward");

    /**
     * The deepest expression read: steps chained plus features nested. Deeper trees would overflow the stack of the
     * recursive code that prints, hashes and evaluates features (a chain of some 3,000 steps did); no real feature
     * comes near it.
     */
    public static final int MAX_DEPTH = 256;
    private final String text;
    private int pos;
    private int nesting;
    private int lastDepth; // the depth of the value expr() returned last

    private FeatureParser(String text) {
        this.text = text;
    }

    /** Parses an input feature; a label here is an error that says to move it to the label side. */
    public static Feature parseFeature(String text) {
        FeatureParser p = new FeatureParser(text);
        Object v = p.parseTop();
        if (v instanceof Label) {
            throw new FeatureParseException(text, 0, "this is a label (it looks into the future): it belongs on the "
                    + "label side of a FeatureLabelSet, not among the features");
        }
        return (Feature) v;
    }

    /** Parses a label: {@code feature.lookforward(n)} or a label kind such as {@code FutureReturn(5)}. */
    public static Label parseLabel(String text) {
        FeatureParser p = new FeatureParser(text);
        Object v = p.parseTop();
        if (v instanceof Feature) {
            throw new FeatureParseException(text, text.length(), "a label needs .lookforward(n) or a label kind ("
                    + String.join(", ", LabelKind.names()) + ")");
        }
        return (Label) v;
    }

    /** Parses either; the result is a {@link Feature} or a {@link Label}. */
    public static Object parse(String text) {
        return new FeatureParser(text).parseTop();
    }

    private Object parseTop() {
        skipSpace();
        if (pos >= text.length()) {
            throw error(pos, "empty expression");
        }
        Object v = expr();
        skipSpace();
        if (pos < text.length()) {
            throw error(pos, "unexpected '" + text.charAt(pos) + "' after the end of the expression");
        }
        return v;
    }

    private Object expr() {
        int start = pos;
        if (++nesting > MAX_DEPTH) {
            throw error(start, "features nest more than " + MAX_DEPTH + " deep; build the inner part as a feature "
                    + "of its own (a featureset column) and refer to that");
        }
        String name = name();
        List<Arg> args = args();
        Object value = construct(name, args, start);
        int depth = 1 + maxDepth(args);
        while (true) {
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == '.') {
                pos++;
                int stepAt = pos;
                String step = name();
                List<Arg> stepArgs = args();
                depth = 1 + Math.max(depth, maxDepth(stepArgs));
                if (depth > MAX_DEPTH) {
                    throw error(stepAt, "the expression is more than " + MAX_DEPTH + " steps deep; split it into "
                            + "features of their own");
                }
                value = step(value, step, stepArgs, stepAt);
            } else {
                nesting--;
                lastDepth = depth;
                return value;
            }
        }
    }

    private static int maxDepth(List<Arg> args) {
        int d = 0;
        for (Arg a : args) {
            d = Math.max(d, a.depth());
        }
        return d;
    }

    private record Arg(int at, Double number, String string, Object expr, int depth) {
        Arg(int at, Double number, String string, Object expr) {
            this(at, number, string, expr, 0);
        }
    }

    private List<Arg> args() {
        skipSpace();
        expect('(');
        List<Arg> out = new ArrayList<>();
        skipSpace();
        if (peek() == ')') {
            pos++;
            return out;
        }
        while (true) {
            skipSpace();
            int at = pos;
            char c = peek();
            if (c == '"' || c == '\'') {
                out.add(new Arg(at, null, string(), null));
            } else if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
                out.add(new Arg(at, number(), null, null));
            } else if (Character.isLetter(c)) {
                Object e = expr();
                out.add(new Arg(at, null, null, e, lastDepth));
            } else {
                throw error(pos, c == 0 ? "unexpected end: an argument is missing" : "unexpected '" + c + "'");
            }
            skipSpace();
            char d = peek();
            if (d == ',') {
                pos++;
            } else if (d == ')') {
                pos++;
                return out;
            } else {
                throw error(pos, d == 0 ? "unexpected end: ')' is missing" : "expected ',' or ')', found '" + d + "'");
            }
        }
    }

    private Object construct(String name, List<Arg> args, int at) {
        if (Library.exists(name)) {
            FeatureKind k = Library.kind(name);
            if (k.shape() == FeatureKind.Shape.TRANSFORM || k.shape() == FeatureKind.Shape.OPERATOR) {
                throw error(at, "'" + name + "' is a step: write it after a feature, e.g. Close()." + name + "(...)");
            }
            List<Feature> inputs = new ArrayList<>();
            List<Double> numbers = new ArrayList<>();
            for (Arg a : args) {
                if (a.expr() instanceof Feature f && numbers.isEmpty()) {
                    inputs.add(f);
                } else if (a.number() != null) {
                    numbers.add(a.number());
                } else if (a.expr() instanceof Label) {
                    throw error(a.at(), "a label cannot be an input of " + name);
                } else {
                    throw error(a.at(), name + " takes " + (k.inputs() > 0 ? "features first, then " : "") + "numbers"
                            + k.signature());
                }
            }
            try {
                List<Double> params = k.withDefaults(numbers.stream().mapToDouble(Double::doubleValue).toArray());
                return new Feature(name, params, null, null, inputs);
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        if (LabelKind.exists(name)) {
            double[] numbers = new double[args.size()];
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i).number() == null) {
                    throw error(args.get(i).at(), name + " takes numbers (" + LabelKind.of(name).signature() + ")");
                }
                numbers[i] = args.get(i).number();
            }
            try {
                return Label.of(name, numbers);
            } catch (IllegalArgumentException e) {
                throw error(at, e.getMessage());
            }
        }
        Set<String> known = new HashSet<>();
        Library.all().forEach(k -> known.add(k.name()));
        known.addAll(LabelKind.names());
        throw error(at, "unknown feature '" + name + "'" + Library.suggest(name, known)
                + " (see 'atlas features list')");
    }

    private Object step(Object value, String step, List<Arg> args, int at) {
        try {
            if (NO_ARG_STEPS.containsKey(step)) {
                requireArgs(step, args, 0, at);
                return NO_ARG_STEPS.get(step).invoke(value);
            }
            if (STRING_STEPS.containsKey(step)) {
                requireArgs(step, args, 1, at);
                if (args.get(0).string() == null) {
                    throw error(args.get(0).at(), step + " takes a quoted string, e.g. " + step + "(\"...\")");
                }
                return STRING_STEPS.get(step).invoke(value, args.get(0).string());
            }
        } catch (InvocationTargetException e) {
            throw error(at, e.getCause().getMessage());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        if (!FEATURE_STEPS.contains(step)) {
            Set<String> known = new HashSet<>(FEATURE_STEPS);
            known.addAll(NO_ARG_STEPS.keySet());
            known.addAll(STRING_STEPS.keySet());
            throw error(at, "unknown step '" + step + "'" + Library.suggest(step, known));
        }
        if (!(value instanceof Feature f)) {
            throw error(at, "'" + step + "' cannot follow a label: lookforward(n) must be the last step");
        }
        try {
            return switch (step) {
                case "lookback" -> f.lookback(intArg(step, args, at));
                case "window" -> f.window(intArg(step, args, at));
                case "lag" -> f.lag(intArg(step, args, at));
                case "diff" -> f.diff(intArg(step, args, at));
                case "zscore" -> f.zscore(intArg(step, args, at));
                case "lookforward" -> f.lookforward(intArg(step, args, at));
                case "clip" -> {
                    requireArgs(step, args, 2, at);
                    yield f.clip(num(step, args.get(0)), num(step, args.get(1)));
                }
                default -> {
                    requireArgs(step, args, 1, at);
                    Arg a = args.get(0);
                    Feature other;
                    if (a.number() != null) {
                        other = Feature.of("Const", a.number());
                    } else if (a.expr() instanceof Feature g) {
                        other = g;
                    } else {
                        throw error(a.at(), step + " takes a feature or a number");
                    }
                    yield switch (step) {
                        case "plus" -> f.plus(other);
                        case "minus" -> f.minus(other);
                        case "times" -> f.times(other);
                        default -> f.div(other);
                    };
                }
            };
        } catch (FeatureParseException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw error(at, e.getMessage());
        }
    }

    private void requireArgs(String step, List<Arg> args, int n, int at) {
        if (args.size() != n) {
            throw error(at, step + " takes " + n + " argument(s), got " + args.size());
        }
    }

    private int intArg(String step, List<Arg> args, int at) {
        requireArgs(step, args, 1, at);
        double v = num(step, args.get(0));
        if (v != Math.rint(v)) {
            throw error(args.get(0).at(), step + " takes a whole number of bars, got " + v);
        }
        return (int) v;
    }

    private double num(String step, Arg a) {
        if (a.number() == null) {
            throw error(a.at(), step + " takes a number");
        }
        return a.number();
    }

    private String name() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        if (start == pos || !Character.isLetter(text.charAt(start))) {
            throw error(start, pos >= text.length() ? "unexpected end: a name is missing" : "expected a name, found '"
                    + text.charAt(start) + "'");
        }
        return text.substring(start, pos);
    }

    private double number() {
        int start = pos;
        if (peek() == '-' || peek() == '+') {
            pos++;
        }
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || ".eE".indexOf(text.charAt(pos)) >= 0
                || ((text.charAt(pos) == '-' || text.charAt(pos) == '+') && "eE".indexOf(text.charAt(pos - 1)) >= 0))) {
            pos++;
        }
        try {
            return Double.parseDouble(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error(start, "not a number: '" + text.substring(start, pos) + "'");
        }
    }

    private String string() {
        char quote = text.charAt(pos);
        int start = pos++;
        int end = text.indexOf(quote, pos);
        if (end < 0) {
            throw error(start, "unterminated string");
        }
        pos = end + 1;
        return text.substring(start + 1, end);
    }

    private void expect(char c) {
        skipSpace();
        if (peek() != c) {
            throw error(pos, peek() == 0 ? "unexpected end: '" + c + "' is missing" : "expected '" + c + "', found '"
                    + peek() + "'");
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private FeatureParseException error(int at, String reason) {
        return new FeatureParseException(text, Math.min(at, text.length()), reason);
    }
}
