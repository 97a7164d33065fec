package io.recommender.operator.naming;

/** The two versions a Recommender can serve at once: the one users get, and the one under test. */
public enum Role {
    STABLE("stable"),
    CANDIDATE("candidate");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    /** Value of the {@link Labels#ROLE} label. */
    public String label() {
        return label;
    }
}
