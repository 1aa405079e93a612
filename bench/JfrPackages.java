import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU of a JFR recording goes, by library: the execution samples (threads running Java code) grouped by
 * the first frame that is not the JDK's (so the JDK code that H2 or Camel calls counts for H2 or Camel), by the
 * top frame, by the outermost frame of the bridge's own code (which bean step), by thread, by where H2 is entered
 * from, and the hottest methods.
 *
 * <pre>java bench/JfrPackages.java bench/work/bridge.jfr [rows]</pre>
 */
public class JfrPackages {

    private static final String[][] LIBRARIES = {
            { "org.h2.", "H2" },
            { "org.apache.camel.", "Camel" },
            { "org.apache.hc.", "Apache HttpClient" },
            { "com.fasterxml.jackson.", "Jackson" },
            { "com.postpressbridge.", "bridge (ours)" },
            { "io.agroal.", "Agroal (pool)" },
            { "io.quarkus.", "Quarkus" },
            { "io.vertx.", "Vert.x/Netty" },
            { "io.netty.", "Vert.x/Netty" },
            { "org.jboss.", "JBoss logging/threads" },
            { "io.smallrye.", "SmallRye" },
            { "org.flywaydb.", "Flyway" },
    };

    public static void main(String[] args) throws Exception {
        Map<String, Integer> byLibrary = new HashMap<>();
        Map<String, Integer> byTopLibrary = new HashMap<>();
        Map<String, Integer> byStep = new HashMap<>();
        Map<String, Integer> hotMethods = new HashMap<>();
        Map<String, Integer> hotCallers = new HashMap<>();
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> h2Entries = new HashMap<>();
        double machine = 0;
        double jvm = 0;
        int loads = 0;
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.CPULoad")) {
                machine += event.getFloat("machineTotal");
                jvm += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                loads++;
                continue;
            }
            if (!type.equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = new ArrayList<>();
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                if (frame.isJavaFrame()) {
                    frames.add(frame);
                }
            }
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            String top = name(frames.get(0).getMethod());
            hotMethods.merge(top, 1, Integer::sum);
            byTopLibrary.merge(library(frames.get(0).getMethod()), 1, Integer::sum);
            String caller = "(JDK only)";
            String callerLibrary = "JDK (threads, no library above)";
            for (RecordedFrame frame : frames) {
                String library = library(frame.getMethod());
                if (!library.equals("JDK")) {
                    caller = name(frame.getMethod());
                    callerLibrary = library;
                    break;
                }
            }
            byLibrary.merge(callerLibrary, 1, Integer::sum);
            hotCallers.merge(caller, 1, Integer::sum);
            String step = "(not under the bridge's code)";
            for (RecordedFrame frame : frames) {
                if (frame.getMethod().getType().getName().startsWith("com.postpressbridge.")) {
                    step = name(frame.getMethod()); // the outermost one wins
                }
            }
            byStep.merge(step, 1, Integer::sum);
            String h2Entry = null;
            for (RecordedFrame frame : frames) {
                if (frame.getMethod().getType().getName().startsWith("org.h2.")) {
                    h2Entry = name(frame.getMethod()); // the outermost one wins
                }
            }
            if (h2Entry != null) {
                h2Entries.merge(h2Entry + "  <- " + step, 1, Integer::sum);
            }
            RecordedThread thread = event.getThread("sampledThread");
            String threadName = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
            byThread.merge(threadName.replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        System.out.printf("%d CPU samples (threads running Java code)", samples);
        if (loads > 0) {
            System.out.printf("; CPU load while recording: this JVM %.0f%%, the machine %.0f%% (of all cores)",
                    100 * jvm / loads, 100 * machine / loads);
        }
        System.out.println();
        print("by library: the first frame that is not the JDK's (JDK code counts for the library that called it)",
                byLibrary, samples, 20);
        print("by library of the top frame (self time)", byTopLibrary, samples, 20);
        print("by the outermost frame of the bridge's code (the bean step; inclusive)", byStep, samples, 15);
        print("by thread (numbers as #)", byThread, samples, 10);
        print("H2 entered by (its outermost frame <- the bridge's step)", h2Entries, samples, 12);
        print("hottest methods (top frame, self time)", hotMethods, samples, 20);
        print("hottest non-JDK methods (the first frame that is not the JDK's)", hotCallers, samples, 20);
    }

    private static void print(String title, Map<String, Integer> counts, int total, int limit) {
        System.out.println();
        System.out.println(title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> System.out.printf("  %5.1f%%  %7d  %s%n", 100.0 * e.getValue() / total, e.getValue(),
                        e.getKey()));
    }

    private static String library(RecordedMethod method) {
        String type = method.getType().getName();
        for (String[] library : LIBRARIES) {
            if (type.startsWith(library[0])) {
                return library[1];
            }
        }
        if (type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.")
                || type.startsWith("sun.") || type.startsWith("com.sun.")) {
            return "JDK";
        }
        int dot = type.lastIndexOf('.');
        return dot < 0 ? type : type.substring(0, dot);
    }

    private static String name(RecordedMethod method) {
        String type = method.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName() + "  [" + library(method) + "]";
    }
}
