package io.oth.sshconfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SshConfigTest {
    @TempDir
    Path home;

    @Test
    void anAliasGivesItsHostNameUserPortAndKey() throws Exception {
        SshConfig config = read("""
                Host jump
                    HostName 203.0.113.10
                    User admin
                    Port 2222
                    IdentityFile ~/.ssh/jump_ed25519
                """);

        HostConfig jump = config.lookup("jump");

        assertEquals(Optional.of("203.0.113.10"), jump.hostName());
        assertEquals(Optional.of("admin"), jump.user());
        assertEquals(Optional.of(2222), jump.port());
        assertEquals(List.of(home.resolve(".ssh/jump_ed25519")), jump.identityFiles(home, "203.0.113.10", 2222, "admin"));
        assertEquals(Optional.empty(), config.lookup("other").hostName());
    }

    @Test
    void wildcardsQuestionMarksAndNegationsSelectBlocksAsOpensshDoes() throws Exception {
        SshConfig config = read("""
                Host 10.77.0.? !10.77.0.9
                    User node
                Host *.example.test
                    User example
                Host !nothing
                    User never
                """);

        assertEquals(Optional.of("node"), config.lookup("10.77.0.2").user());
        assertEquals(Optional.empty(), config.lookup("10.77.0.9").user(), "a negated pattern excludes");
        assertEquals(Optional.empty(), config.lookup("10.77.0.20").user(), "? is one character");
        assertEquals(Optional.of("example"), config.lookup("J1.Example.Test").user(), "patterns match without case");
        assertEquals(Optional.empty(), config.lookup("nothing").user());
        assertEquals(Optional.empty(), config.lookup("anything").user(), "a negation alone selects nothing");
    }

    @Test
    void theFirstValueObtainedWinsAndIdentityFilesAddUp() throws Exception {
        SshConfig config = read("""
                User everyone
                Host b*
                    Port 2200
                    IdentityFile ~/first
                Host bastion
                    Port 2222
                    User admin
                    IdentityFile ~/second
                Host *
                    Port 22
                    IdentitiesOnly yes
                """);

        HostConfig bastion = config.lookup("bastion");

        assertEquals(Optional.of(2200), bastion.port());
        assertEquals(Optional.of("everyone"), bastion.user(), "a setting before any Host line applies to all, first");
        assertEquals(List.of(home.resolve("first"), home.resolve("second")), bastion.identityFiles(home, "bastion", 2200, "everyone"));
        assertEquals(Optional.of(true), bastion.identitiesOnly());
    }

    @Test
    void identityFileTokensExpandAsOpensshExpandsThem() throws Exception {
        SshConfig config = read("""
                Host b
                    HostName %h.example.test
                    IdentityFile ~/.ssh/%h_%p_%r_%u_%%_%n
                    IdentityFile %d/k
                """);

        HostConfig b = config.lookup("b");

        assertEquals(Optional.of("b.example.test"), b.hostName());
        String user = System.getProperty("user.name");
        assertEquals(List.of(home.resolve(".ssh/b.example.test_2222_admin_" + user + "_%_b"), home.resolve("k")),
                b.identityFiles(home, "b.example.test", 2222, "admin"));
    }

    @Test
    void proxyJumpTakesSeveralHopsInEveryFormAndNone() throws Exception {
        SshConfig config = read("""
                Host bastion
                    ProxyJump ops@j1.example.test:2201,ssh://j2.example.test,[2001:db8::7]:2203
                Host direct
                    ProxyJump none
                Host *
                    ProxyJump never-used
                """);

        assertEquals(Optional.of(List.of(new Jump(Optional.of("ops"), "j1.example.test", Optional.of(2201)),
                new Jump(Optional.empty(), "j2.example.test", Optional.empty()),
                new Jump(Optional.empty(), "2001:db8::7", Optional.of(2203)))), config.lookup("bastion").proxyJump());
        assertEquals(Optional.of(List.of()), config.lookup("direct").proxyJump());
    }

    @Test
    void includeIsRelativeToDotSshTakesGlobsInOrderAndAppliesInItsBlock() throws Exception {
        Files.createDirectories(home.resolve(".ssh/conf.d"));
        Files.writeString(home.resolve(".ssh/conf.d/20-b.conf"), "Host b\n  User from-b\n");
        Files.writeString(home.resolve(".ssh/conf.d/10-a.conf"), "User from-a\nHost c\n  User from-c\n");
        Files.writeString(home.resolve(".ssh/conf.d/ignored.txt"), "Host *\n  User never\n");
        SshConfig config = read("""
                Host a
                    Include conf.d/*.conf
                Host *
                    User last
                """);

        assertEquals(Optional.of("from-a"), config.lookup("a").user(), "the included lines before a Host line stay in the block");
        assertEquals(Optional.of("from-b"), config.lookup("b").user());
        assertEquals(Optional.of("from-c"), config.lookup("c").user());
        assertEquals(Optional.of("last"), config.lookup("d").user());
    }

    @Test
    void anIncludeLoopIsRefusedAtTheLineThatIncludes() throws IOException {
        Path file = write("config", "Include config\n");

        SshConfigException thrown = assertThrows(SshConfigException.class, () -> SshConfig.read(file, home));

        assertEquals(List.of(file + ":1: Include nested more than 8 deep (expected fewer; is a file including itself?)"), thrown.problems());
    }

    @Test
    void identitiesOnlyIsReadAsYesOrNo() throws Exception {
        SshConfig config = read("Host a\n  IdentitiesOnly no\nHost *\n  IdentitiesOnly yes\n");

        assertEquals(Optional.of(false), config.lookup("a").identitiesOnly());
        assertEquals(Optional.of(true), config.lookup("b").identitiesOnly());
    }

    @Test
    void anOversizedFileIsRefusedBeforeItIsRead() throws IOException {
        Path file = home.resolve("config");
        Files.write(file, new byte[SshConfig.LIMIT + 1]);

        SshConfigException thrown = assertThrows(SshConfigException.class, () -> SshConfig.read(file, home));

        assertEquals(List.of(file + " is " + (SshConfig.LIMIT + 1) + " bytes (expected an OpenSSH client configuration file of at most 1 MiB)"),
                thrown.problems());
    }

    @Test
    void valuesOthCannotUseAreRefusedWithFileAndLineAndUnknownKeywordsAreIgnored() throws IOException {
        Path file = write("config", """
                Host a
                    ForwardX11 yes
                    SomeFutureKeyword whatever
                    Port 70000
                    IdentitiesOnly maybe
                    IdentityFile ~/.ssh/%x
                    ProxyJump j1:0
                    HostName "unclosed
                Match host a
                    User b
                """);

        SshConfigException thrown = assertThrows(SshConfigException.class, () -> SshConfig.read(file, home));

        assertEquals(List.of(
                file + ":4: Port: \"70000\" is not a port (expected an integer from 1 to 65535)",
                file + ":5: IdentitiesOnly: \"maybe\" (expected yes or no)",
                file + ":6: IdentityFile: \"~/.ssh/%x\" has the token %x (expected only %% %d %h %n %p %r %u)",
                file + ":7: ProxyJump: \"j1:0\" has port \"0\" (expected an integer from 1 to 65535)",
                file + ":8: a quote is opened and never closed (expected \"...\")"), thrown.problems());
    }

    @Test
    void aMatchBlockIsIgnoredWithAWarning() throws Exception {
        Path file = write("config", "Match host a\n    User from-match\nHost a\n    User from-host\n");

        SshConfig config = SshConfig.read(file, home);

        assertEquals(Optional.of("from-host"), config.lookup("a").user());
        assertEquals(List.of(file + ":1: warning: Match is not evaluated by oth; the settings of this block are ignored"), config.warnings());
    }

    @Test
    void keywordsTakeEqualsSignsAndQuotesAndCommentsEndALine() throws Exception {
        SshConfig config = read("Host=a # the a host\n  User = \"ad min\"\n  HostName=a.example.test # here\n");

        assertEquals(Optional.of("ad min"), config.lookup("a").user());
        assertEquals(Optional.of("a.example.test"), config.lookup("a").hostName());
    }

    private SshConfig read(String text) throws Exception {
        return SshConfig.read(write("config", text), home);
    }

    private Path write(String name, String text) throws IOException {
        Files.createDirectories(home.resolve(".ssh"));
        Path file = home.resolve(".ssh").resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
