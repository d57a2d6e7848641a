package io.sightline.web.api;

/** A request parameter that is missing or malformed; the message names it and becomes the 400 body. */
public class BadParameterException extends RuntimeException {
    private final String parameter;

    public BadParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
