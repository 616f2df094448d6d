package dev.iothub.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs an Argo CD health script the way Argo CD does: the live object as global {@code obj}, the
 * script's returned table read for {@code status} and {@code message}; io, os, require and friends
 * are removed, as Argo CD's Lua VM does not open them.
 *
 * <p>Two interpreters: luaj (org.luaj:luaj-jse, Lua 5.2, in the JVM) when it is on the test
 * classpath, and luajit (Lua 5.1, like Argo CD's gopher-lua) when it is installed. The tests run
 * the scripts with every one that is there, and fail when neither is.
 */
abstract class LuaHealthRunner {
  /** The health Argo CD would show. */
  record Health(String status, String message) {}

  abstract String name();

  abstract Health run(String script, Map<String, Object> obj, String label);

  /** Runs a chunk that leaves a string in the local {@code __out} and returns that string. */
  abstract String evaluate(String code, String label);

  static List<LuaHealthRunner> available() {
    List<LuaHealthRunner> runners = new ArrayList<>();
    if (Luaj.present()) {
      runners.add(new Luaj());
    }
    Path luajit = Luajit.find();
    if (luajit != null) {
      runners.add(new Luajit(luajit));
    }
    if (runners.isEmpty()) {
      fail(
          "no Lua interpreter for the Argo CD health checks: add the test dependency"
              + " org.luaj:luaj-jse:3.0.1 to pom.xml (runs in the JVM), or install luajit"
              + " (apt-get install -y luajit)");
    }
    return runners;
  }

  /** The chunk that runs the script on the object and hands back "status\nmessage". */
  static String chunk(String script, Map<String, Object> obj, String emit) {
    return "local __write = io and io.write\n"
        + "io, os, debug, package, require, dofile, loadfile = nil, nil, nil, nil, nil, nil, nil\n"
        + "obj = "
        + toLua(obj)
        + "\n"
        + "local __hs = (function()\n"
        + script
        + "\nend)()\n"
        + "if type(__hs) ~= 'table' then error('the health script returned no table') end\n"
        + "local __out = tostring(__hs.status) .. '\\n' .. tostring(__hs.message)\n"
        + emit
        + "\n";
  }

  /** A Lua table constructor for a YAML/JSON value, as Argo CD converts the live object. */
  static String toLua(Object value) {
    if (value == null) {
      return "nil";
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder b = new StringBuilder("{");
      map.forEach(
          (k, v) -> {
            if (v != null) {
              b.append('[').append(quote(String.valueOf(k))).append("]=").append(toLua(v));
              b.append(',');
            }
          });
      return b.append('}').toString();
    }
    if (value instanceof List<?> list) {
      StringBuilder b = new StringBuilder("{");
      for (Object item : list) {
        b.append(toLua(item)).append(',');
      }
      return b.append('}').toString();
    }
    if (value instanceof Boolean || value instanceof Number) {
      return value.toString();
    }
    return quote(value.toString());
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
      int u = c & 0xff;
      if (u == '"' || u == '\\') {
        b.append('\\').append((char) u);
      } else if (u < 0x20 || u >= 0x7f) {
        b.append('\\').append(u);
      } else {
        b.append((char) u);
      }
    }
    return b.append('"').toString();
  }

  static Health parse(String out, String runner, String label) {
    int nl = out.indexOf('\n');
    if (nl < 0) {
      return fail(runner + " gave no status for " + label + ": " + out);
    }
    String message = out.substring(nl + 1);
    return new Health(out.substring(0, nl), "nil".equals(message) ? null : message);
  }

  /** luaj in the JVM, reached by reflection so that the tests compile without it. */
  static final class Luaj extends LuaHealthRunner {
    static boolean present() {
      try {
        Class.forName("org.luaj.vm2.lib.jse.JsePlatform");
        return true;
      } catch (ClassNotFoundException e) {
        return false;
      }
    }

    @Override
    String name() {
      return "luaj";
    }

    @Override
    Health run(String script, Map<String, Object> obj, String label) {
      try {
        Object globals =
            Class.forName("org.luaj.vm2.lib.jse.JsePlatform")
                .getMethod("standardGlobals")
                .invoke(null);
        Object function =
            globals
                .getClass()
                .getMethod("load", String.class, String.class)
                .invoke(globals, chunk(script, obj, "return __out"), label);
        Object result = function.getClass().getMethod("call").invoke(function);
        String out = (String) result.getClass().getMethod("tojstring").invoke(result);
        return parse(out, name(), label);
      } catch (InvocationTargetException e) {
        return fail("luaj failed on " + label + ": " + e.getCause(), e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    String evaluate(String code, String label) {
      try {
        Object globals =
            Class.forName("org.luaj.vm2.lib.jse.JsePlatform")
                .getMethod("standardGlobals")
                .invoke(null);
        Object function =
            globals
                .getClass()
                .getMethod("load", String.class, String.class)
                .invoke(globals, code + "\nreturn __out\n", label);
        Object result = function.getClass().getMethod("call").invoke(function);
        return (String) result.getClass().getMethod("tojstring").invoke(result);
      } catch (InvocationTargetException e) {
        return fail("luaj failed on " + label + ": " + e.getCause(), e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** luajit as a process. */
  static final class Luajit extends LuaHealthRunner {
    private final Path binary;

    Luajit(Path binary) {
      this.binary = binary;
    }

    static Path find() {
      String path = System.getenv("PATH");
      if (path == null) {
        return null;
      }
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, "luajit");
        if (!dir.isBlank() && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
      return null;
    }

    @Override
    String name() {
      return "luajit";
    }

    @Override
    Health run(String script, Map<String, Object> obj, String label) {
      try {
        Path file = Files.createTempFile("health-", ".lua");
        try {
          Files.writeString(file, chunk(script, obj, "__write(__out)"), StandardCharsets.UTF_8);
          Helm.Result r = Helm.exec(List.of(binary.toString(), file.toString()), Project.DIR);
          if (!r.ok()) {
            return fail("luajit failed on " + label + ":\n" + r.describe());
          }
          return parse(r.stdout(), name(), label);
        } finally {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    String evaluate(String code, String label) {
      try {
        Path file = Files.createTempFile("lua-", ".lua");
        try {
          Files.writeString(
              file,
              "local __write = io.write\n" + code + "\n__write(__out)\n",
              StandardCharsets.UTF_8);
          Helm.Result r = Helm.exec(List.of(binary.toString(), file.toString()), Project.DIR);
          if (!r.ok()) {
            return fail("luajit failed on " + label + ":\n" + r.describe());
          }
          return r.stdout();
        } finally {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
