package io.sightline.web.api;

/** An unknown id in the path; becomes a 404 with this message. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
