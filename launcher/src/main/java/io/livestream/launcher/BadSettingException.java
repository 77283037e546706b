package io.livestream.launcher;

/** A setting the process cannot start with (a missing key file, a weak secret): printed as one line, exit code 2. */
public final class BadSettingException extends RuntimeException {
    public BadSettingException(String message) {
        super(message);
    }
}
