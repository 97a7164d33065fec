package io.recommender.training.packaging;

/** Why packaging stopped: bad input (nothing was pushed) or a registry problem. The message is one line. */
public final class PackagingException extends Exception {
    public enum Kind {
        /** A corrupt bundle, a malformed image reference, an unreadable credentials file: exit code 2. */
        BAD_INPUT(2),
        /** Registry unreachable, authentication failed, push denied, base image missing: exit code 3. */
        REGISTRY(3);

        public final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    private final Kind kind;

    public PackagingException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
