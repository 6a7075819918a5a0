import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A build step (installer/pom.xml, run with the JDK's source launcher): rewrites the class files of
 * one jar older than Java 6 as Java 8 class files with stack map frames, the code otherwise the
 * same, and replaces the jar. The JVM keeps such old classes out of the class-data-sharing archive
 * oth's launcher records, and verifies them with its slow inference verifier at every run: picocli
 * ships Java 5 class files, about 180 of which every oth command loads. Then every class of the new
 * jar is loaded and linked (verified) here, so that a frame ASM got wrong fails the build, not a run.
 *
 * <p>Usage: {@code java -cp ASM_JAR Java8ClassFiles.java JAR}
 */
public final class Java8ClassFiles {
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path next = jar.resolveSibling(jar.getFileName() + ".java8");
        int rewritten = 0;
        List<String> classes = new ArrayList<>();
        try (URLClassLoader original = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(next))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                String name = entry.getName();
                // META-INF/versions/9/module-info.class and the like are the JDK's own concern.
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    if (majorVersion(bytes) < Opcodes.V1_6) {
                        bytes = java8(bytes, original);
                        rewritten++;
                    }
                    classes.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        try (URLClassLoader rewrittenJar = new URLClassLoader(new URL[] {next.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (String name : classes) {
                // Reflection links the class, and linking verifies it with the split verifier.
                Class.forName(name, false, rewrittenJar).getDeclaredMethods();
            }
        }
        Files.move(next, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println(jar.getFileName() + ": " + rewritten + " of " + classes.size() + " classes rewritten as Java 8 class files, all verified");
    }

    private static int majorVersion(byte[] bytes) {
        return ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff);
    }

    private static byte[] java8(byte[] bytes, ClassLoader original) {
        // Frames need the common superclass of two types, which ASM finds by loading them from the jar.
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return original;
            }
        };
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }

    private Java8ClassFiles() {
    }
}
