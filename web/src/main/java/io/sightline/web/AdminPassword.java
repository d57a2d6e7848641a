package io.sightline.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Where the admin password comes from: the SIGHTLINE_ADMIN_PASSWORD environment variable when set,
 * else {@code <sightline.data-dir>/admin-password}, which is generated (mode 600) on first start
 * and announced once in the log. The password itself is never logged otherwise.
 */
public final class AdminPassword {
    private static final Logger log = LoggerFactory.getLogger(AdminPassword.class);

    public static final String ENV = "SIGHTLINE_ADMIN_PASSWORD";
    public static final String FILE_NAME = "admin-password";
    static final int MIN_LENGTH = 8;

    private AdminPassword() {
    }

    /** The admin password for this process, creating the password file if needed. */
    public static String resolve(Environment env) {
        String fromEnv = env.getProperty(ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            if (fromEnv.length() < MIN_LENGTH) {
                throw new IllegalStateException(ENV + " must be at least " + MIN_LENGTH + " characters");
            }
            return fromEnv;
        }
        Path dataDir = Path.of(env.getProperty("sightline.data-dir", "./sightline-data"));
        return fromFile(dataDir.resolve(FILE_NAME));
    }

    /** Reads the password file, or generates it when missing. */
    static String fromFile(Path file) {
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            String password = generate();
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            createPrivate(tmp);
            Files.writeString(tmp, password + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file); // no REPLACE_EXISTING: a concurrent first start keeps the winner's
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
                return read(file);
            }
            // the one and only time the password appears in the log
            log.warn("\n\n    Generated the Sightline admin password: {}\n    user: admin, stored in {} (mode 600)."
                    + " Set {} to choose your own.\n", password, file.toAbsolutePath().normalize(), ENV);
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin password file " + file, e);
        }
    }

    private static String read(Path file) throws IOException {
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (password.length() < MIN_LENGTH) {
            throw new IllegalStateException("the admin password in " + file + " is shorter than "
                    + MIN_LENGTH + " characters; delete the file to generate a new one");
        }
        return password;
    }

    private static void createPrivate(Path file) throws IOException {
        try {
            Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(rw));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
    }

    static String generate() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
