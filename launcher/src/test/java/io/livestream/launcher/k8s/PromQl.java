package io.livestream.launcher.k8s;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a PromQL expression reads, found by a small tokenizer rather than a full parser: the series it selects
 * (a name, with the labels its matchers name) and the labels it groups or matches on ({@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}). Strings, range and subquery brackets and
 * numbers or durations are skipped; an identifier followed by {@code (} is a function or aggregation.
 */
final class PromQl {
    /** One series selector: {@code name{label="..."}}, or a bare {@code name}. */
    record Selector(String metric, Set<String> labels) {
    }

    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2",
            "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan");

    final List<Selector> selectors = new ArrayList<>();
    final Set<String> groupingLabels = new LinkedHashSet<>();

    private final String expr;
    private int i;

    private PromQl(String expr) {
        this.expr = expr;
    }

    static PromQl parse(String expr) {
        PromQl q = new PromQl(expr);
        q.scan();
        if (q.selectors.isEmpty()) {
            throw new IllegalArgumentException("no series in " + expr);
        }
        return q;
    }

    private void scan() {
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else if (c == '[') {
                i = closing(']');
            } else if (c == '{') {
                throw new IllegalArgumentException("a selector without a metric name at " + i + " in " + expr);
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1)))) {
                while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++; // 0.01, 1e3, 5m
                }
            } else if (identifierStart(c)) {
                identifier();
            } else {
                i++;
            }
        }
    }

    private void identifier() {
        int start = i;
        while (i < expr.length() && (identifierStart(expr.charAt(i)) || Character.isDigit(expr.charAt(i)))) {
            i++;
        }
        String word = expr.substring(start, i);
        char next = nextSignificant();
        if (GROUPING.contains(word)) {
            if (next == '(') {
                i = expr.indexOf('(', i);
                int end = closing(')');
                for (String label : expr.substring(i + 1, end - 1).split(",")) {
                    if (!label.isBlank()) {
                        groupingLabels.add(label.strip());
                    }
                }
                i = end;
            }
        } else if (next == '(' || KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT)) || groupingFollows()) {
            return; // a function, an aggregation (also "sum by (...) (...)") or an operator
        } else if (next == '{') {
            i = expr.indexOf('{', i) + 1;
            selectors.add(new Selector(word, matchers()));
        } else {
            selectors.add(new Selector(word, Set.of()));
        }
    }

    /** The label names of {@code label op "value", ...} up to the closing brace. */
    private Set<String> matchers() {
        Set<String> labels = new LinkedHashSet<>();
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '}') {
                i++;
                return labels;
            } else if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else if (identifierStart(c)) {
                int start = i;
                while (i < expr.length() && (identifierStart(expr.charAt(i)) || Character.isDigit(expr.charAt(i)))) {
                    i++;
                }
                labels.add(expr.substring(start, i));
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unclosed selector in " + expr);
    }

    private boolean groupingFollows() {
        String rest = expr.substring(i).stripLeading();
        return rest.matches("(?s)(by|without)\\s*\\(.*");
    }

    private char nextSignificant() {
        int j = i;
        while (j < expr.length() && Character.isWhitespace(expr.charAt(j))) {
            j++;
        }
        return j < expr.length() ? expr.charAt(j) : 0;
    }

    private void skipString() {
        char quote = expr.charAt(i++);
        while (i < expr.length() && expr.charAt(i) != quote) {
            i += expr.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        i++;
    }

    /** The index after the bracket that closes the one at {@code i}, nested ones skipped. */
    private int closing(char close) {
        char open = expr.charAt(i);
        int depth = 0;
        for (int j = i; j < expr.length(); j++) {
            char c = expr.charAt(j);
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return j + 1;
            }
        }
        throw new IllegalArgumentException("unclosed " + open + " in " + expr);
    }

    private static boolean identifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }
}
