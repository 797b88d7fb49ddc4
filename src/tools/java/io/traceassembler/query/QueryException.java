package io.traceassembler.query;

/**
 * A failure the person at the terminal can act on (missing table or index, bad time range, no
 * credentials...): printed as one line, no stack trace, exit code 2.
 */
final class QueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QueryException(String message) {
        super(message, null, false, false);
    }
}
