package dev.iothub.operator.broker;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Device key hashes in mosquitto's {@code $7$} password-file format: {@code $7$<iterations>$<base64
 * salt>$<base64 hash>}, PBKDF2-HMAC-SHA512 over the UTF-8 password with a 12-byte salt and a
 * 64-byte hash, as {@code mosquitto_passwd} writes them. Only these hashes leave the hub namespace;
 * the broker checks a connecting device's key against them.
 */
public final class PasswordHashes {
  /**
   * mosquitto_passwd's default. Low on purpose: keys are 256 random bits (nothing to brute-force),
   * and mosquitto re-hashes every connected client's password on each reload.
   */
  public static final int DEFAULT_ITERATIONS = 101;

  static final int SALT_BYTES = 12;
  static final int HASH_BYTES = 64;
  private static final String PREFIX = "$7$";
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHashes() {}

  public static String hash(String password) {
    return hash(password, DEFAULT_ITERATIONS);
  }

  public static String hash(String password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return hash(password, salt, iterations);
  }

  /** With a given salt: deterministic, for tests against independent implementations. */
  static String hash(String password, byte[] salt, int iterations) {
    Base64.Encoder b64 = Base64.getEncoder();
    return PREFIX
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(pbkdf2(password, salt, iterations, HASH_BYTES));
  }

  /** True when {@code password} matches {@code encoded}; false for a malformed hash. */
  public static boolean verify(String password, String encoded) {
    Objects.requireNonNull(password, "password");
    Parsed parsed = parse(encoded);
    if (parsed == null || password.isEmpty()) {
      return false;
    }
    byte[] actual = pbkdf2(password, parsed.salt, parsed.iterations, parsed.hash.length);
    return MessageDigest.isEqual(actual, parsed.hash);
  }

  /**
   * True for a {@code $7$} hash that mosquitto can load. The password file leaves out records whose
   * hash is not, so that one corrupt record cannot lock out the others.
   */
  public static boolean isWellFormed(String encoded) {
    Parsed parsed = parse(encoded);
    return parsed != null && parsed.hash.length == HASH_BYTES;
  }

  private record Parsed(int iterations, byte[] salt, byte[] hash) {}

  private static Parsed parse(String encoded) {
    if (encoded == null || !encoded.startsWith(PREFIX)) {
      return null;
    }
    String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      int iterations = Integer.parseInt(parts[0]);
      byte[] salt = Base64.getDecoder().decode(parts[1]);
      byte[] hash = Base64.getDecoder().decode(parts[2]);
      if (iterations < 1 || salt.length == 0 || hash.length == 0) {
        return null;
      }
      return new Parsed(iterations, salt, hash);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  // The JDK's PBKDF2 feeds the password to HMAC as UTF-8, the bytes mosquitto hashes.
  private static byte[] pbkdf2(String password, byte[] salt, int iterations, int bytes) {
    if (password.isEmpty()) {
      throw new IllegalArgumentException("an empty password cannot be hashed");
    }
    char[] chars = password.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(chars, '\0');
    }
  }
}
