package dev.iothub.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs Argo CD resource action scripts as Argo CD does (its action contract): the live object as
 * global {@code obj}; discovery.lua returns a table of actions by name ({@code disabled}, {@code
 * displayName}, {@code iconClass}); an action.lua returns either the modified object or a list of
 * {@code {operation = "create" | "patch", resource = ...}}. Argo CD's VM offers only the base,
 * table, string and math libraries and a safe os module through {@code require("os")}; here that os
 * module tells the time the test gives, so generated names are predictable.
 */
final class ArgoCdActions {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SCRIPTS = "argocd/actions/iothub.dev/";

  /** One entry of discovery.lua's result. */
  record Action(boolean disabled, String displayName, String iconClass) {}

  /** What an action.lua did: the operations it returned, or the error it raised. */
  record Outcome(List<Map<String, Object>> operations, String error) {
    Map<String, Object> created() {
      assertThat(error).as("action error").isNull();
      assertThat(operations).hasSize(1);
      assertThat(operations.get(0).get("operation")).isEqualTo("create");
      @SuppressWarnings("unchecked")
      Map<String, Object> resource = (Map<String, Object>) operations.get(0).get("resource");
      return resource;
    }
  }

  private ArgoCdActions() {}

  static String script(String kind, String file) {
    return Project.read(SCRIPTS + kind + "/" + file);
  }

  static Map<String, Action> discover(
      LuaHealthRunner runner, String kind, Map<String, Object> obj, Instant now, String label) {
    Map<String, Object> out = evaluate(runner, script(kind, "discovery.lua"), obj, now, label);
    assertThat(out.get("ok"))
        .as(runner.name() + " discovery of " + label + ": " + out)
        .isEqualTo(true);
    Map<String, Action> actions = new TreeMap<>();
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> value = (Map<String, Map<String, Object>>) out.get("value");
    value.forEach(
        (name, a) -> {
          assertThat(a).as(name).containsOnlyKeys("disabled", "displayName", "iconClass");
          actions.put(
              name,
              new Action(
                  (Boolean) a.get("disabled"),
                  (String) a.get("displayName"),
                  (String) a.get("iconClass")));
        });
    return actions;
  }

  static Outcome run(
      LuaHealthRunner runner,
      String kind,
      String action,
      Map<String, Object> obj,
      Instant now,
      String label) {
    Map<String, Object> out =
        evaluate(runner, script(kind, action + "/action.lua"), obj, now, label);
    if (!Boolean.TRUE.equals(out.get("ok"))) {
      // error(message, 0) has no position in Argo CD's VM (gopher-lua) nor in luajit; luaj adds
      // "<chunk>:<line> " all the same.
      String error = (String) out.get("error");
      return new Outcome(
          null, error.replaceFirst("^" + java.util.regex.Pattern.quote(label) + ":\\d+ ", ""));
    }
    Object value = out.get("value");
    assertThat(value)
        .as(runner.name() + " result of " + action + " on " + label)
        .isInstanceOf(List.class);
    List<Map<String, Object>> operations = new ArrayList<>();
    for (Object op : (List<?>) value) {
      @SuppressWarnings("unchecked")
      Map<String, Object> o = (Map<String, Object>) op;
      assertThat(o).containsOnlyKeys("operation", "resource");
      assertThat(o.get("operation")).isIn("create", "patch");
      operations.add(o);
    }
    return new Outcome(operations, null);
  }

  /** Runs the script; returns {ok: true, value: result} or {ok: false, error: message}. */
  static Map<String, Object> evaluate(
      LuaHealthRunner runner, String script, Map<String, Object> obj, Instant now, String label) {
    String code =
        "local __realdate, __realtime, __now = os.date, os.time, "
            + now.getEpochSecond()
            + "\n"
            + "local __os = {date = function(f, t) return __realdate(f, t or __now) end,\n"
            + "  time = function(t) if t == nil then return __now end return __realtime(t) end}\n"
            + "io, os, debug, package, dofile, loadfile = nil, nil, nil, nil, nil, nil\n"
            + "require = function(name) if name == 'os' then return __os end\n"
            + "  error(\"module '\" .. tostring(name) .. \"' is not in Argo CD's Lua VM\") end\n"
            + "obj = "
            + LuaHealthRunner.toLua(obj)
            + "\n"
            + ENCODER
            + "local __ok, __res = pcall(function()\n"
            + script
            + "\nend)\n"
            + "local __out\n"
            + "if __ok then __out = '{\"ok\":true,\"value\":' .. __json(__res) .. '}'\n"
            + "else __out = '{\"ok\":false,\"error\":' .. __str(tostring(__res)) .. '}' end\n";
    String out = runner.evaluate(code, label);
    try {
      return JSON.readValue(out, new TypeReference<Map<String, Object>>() {});
    } catch (Exception e) {
      throw new AssertionError(runner.name() + " gave no JSON for " + label + ": " + out, e);
    }
  }

  /** A JSON encoder in Lua: a table with keys 1..n is an array, any other table an object. */
  static final String ENCODER =
      """
      local function __str(s)
        return '"' .. string.gsub(s, '[%c"\\\\]', function(c)
          return string.format('\\\\u%04x', string.byte(c)) end) .. '"'
      end
      local function __json(v)
        local t = type(v)
        if t == 'nil' then return 'null' end
        if t == 'boolean' or t == 'number' then return tostring(v) end
        if t == 'string' then return __str(v) end
        if t ~= 'table' then error('cannot return a ' .. t .. ' to Argo CD') end
        local count = 0
        for _ in pairs(v) do count = count + 1 end
        local parts = {}
        if count > 0 and #v == count then
          for i = 1, count do parts[i] = __json(v[i]) end
          return '[' .. table.concat(parts, ',') .. ']'
        end
        local keys = {}
        for k in pairs(v) do keys[#keys + 1] = tostring(k) end
        table.sort(keys)
        for _, k in ipairs(keys) do parts[#parts + 1] = __str(k) .. ':' .. __json(v[k]) end
        return '{' .. table.concat(parts, ',') .. '}'
      end
      """;
}
