package io.recommender.e2e.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Runs gitops/recommender-health.lua the way Argo CD runs a resource health check: the live object as the
 * global {@code obj} (JSON objects and arrays as tables, arrays from index 1, null as nil), the libraries Argo CD
 * opens (base, package, table, string, math; no os or io), and the returned table's {@code status} and
 * {@code message}.
 */
public final class ArgoHealth {
    public static final Path SCRIPT = Path.of("..", "gitops", "recommender-health.lua");
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Result(String status, String message) {}

    private final String script;

    public ArgoHealth(String script) {
        this.script = script;
    }

    public static ArgoHealth load() {
        try {
            return new ArgoHealth(Files.readString(SCRIPT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Result of(String objectJson) {
        try {
            return of(JSON.readTree(objectJson));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Result of(JsonNode object) {
        Globals globals = new Globals();
        globals.load(new JseBaseLib());
        globals.load(new PackageLib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        LoadState.install(globals);
        LuaC.install(globals);
        globals.set("obj", toLua(object));
        LuaValue hs = globals.load(script, "recommender-health.lua").call();
        if (!hs.istable()) {
            throw new IllegalStateException("the health script returned " + hs.typename() + ", not a table");
        }
        return new Result(hs.get("status").optjstring(null), hs.get("message").optjstring(null));
    }

    static LuaValue toLua(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return LuaValue.NIL;
        }
        if (node.isObject()) {
            LuaTable table = new LuaTable();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                table.set(e.getKey(), toLua(e.getValue()));
            }
            return table;
        }
        if (node.isArray()) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                table.set(i + 1, toLua(node.get(i)));
            }
            return table;
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.booleanValue());
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return LuaValue.valueOf(node.intValue());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.doubleValue());
        }
        return LuaValue.valueOf(node.asText());
    }
}
