package dev.forestwatch.job.config;

import java.util.List;

/**
 * A job spec that cannot run. The message lists every problem found, one per line, each starting
 * with the path of the offending key (for example {@code analysis.detectors[1].function}).
 */
public class SpecException extends IllegalArgumentException {
    private final List<String> problems;

    public SpecException(String source, List<String> problems) {
        super(
                "invalid job spec "
                        + source
                        + " ("
                        + problems.size()
                        + (problems.size() == 1 ? " problem" : " problems")
                        + "):\n  "
                        + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code key.path: what is wrong}. */
    public List<String> problems() {
        return problems;
    }
}
