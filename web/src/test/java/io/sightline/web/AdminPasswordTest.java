package io.sightline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

@ExtendWith(OutputCaptureExtension.class)
class AdminPasswordTest {

    @Test
    void generatedOnceWithMode600AndLoggedOnlyThen(@TempDir Path dir, CapturedOutput output) throws Exception {
        MockEnvironment env = new MockEnvironment().withProperty("sightline.data-dir", dir.resolve("data").toString());
        String first = AdminPassword.resolve(env);
        Path file = dir.resolve("data").resolve("admin-password");
        assertThat(first).hasSize(24).matches("[A-Za-z0-9_-]+");
        assertThat(Files.readString(file)).isEqualTo(first + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(output.getAll()).containsOnlyOnce(first);

        String second = AdminPassword.resolve(env);
        assertThat(second).isEqualTo(first);
        assertThat(output.getAll()).containsOnlyOnce(first); // never logged again
        assertThat(Files.list(file.getParent())).containsExactly(file); // no temp file left
    }

    @Test
    void environmentWinsAndIsNeverWrittenOrLogged(@TempDir Path dir, CapturedOutput output) {
        MockEnvironment env = new MockEnvironment().withProperty("sightline.data-dir", dir.toString())
                .withProperty(AdminPassword.ENV, "from-the-environment");
        assertThat(AdminPassword.resolve(env)).isEqualTo("from-the-environment");
        assertThat(Files.exists(dir.resolve("admin-password"))).isFalse();
        assertThat(output.getAll()).doesNotContain("from-the-environment");
    }

    @Test
    void tooShortPasswordsAreRefused(@TempDir Path dir) throws Exception {
        MockEnvironment env = new MockEnvironment().withProperty("sightline.data-dir", dir.toString())
                .withProperty(AdminPassword.ENV, "short");
        assertThatThrownBy(() -> AdminPassword.resolve(env)).hasMessage("SIGHTLINE_ADMIN_PASSWORD must be at least 8 characters");

        Files.writeString(dir.resolve("admin-password"), "  \n");
        MockEnvironment fileOnly = new MockEnvironment().withProperty("sightline.data-dir", dir.toString());
        assertThatThrownBy(() -> AdminPassword.resolve(fileOnly)).hasMessageContaining("shorter than 8 characters");
    }

    @Test
    void anExistingFileIsReadTrimmed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("admin-password"), "chosen-by-operator\n");
        MockEnvironment env = new MockEnvironment().withProperty("sightline.data-dir", dir.toString());
        assertThat(AdminPassword.resolve(env)).isEqualTo("chosen-by-operator");
    }
}
