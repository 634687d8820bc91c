package io.cgiguard.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A network in CIDR notation ({@code 127.0.0.0/8}, {@code ::1/128}), for deciding which clients
 * count as local. Only literal addresses are accepted; nothing is looked up in DNS.
 */
public record AddressRange(byte[] network, int prefixBits) {

  public AddressRange {
    network = network.clone();
  }

  @Override
  public byte[] network() {
    return network.clone();
  }

  /** @throws IllegalArgumentException with a message for people when the text is not a range */
  public static AddressRange parse(String text) {
    String[] parts = text.trim().split("/", 2);
    if (!parts[0].matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
    }
    byte[] address;
    try {
      address = InetAddress.getByName(parts[0]).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
    }
    int bits = address.length * 8;
    if (parts.length == 2) {
      try {
        bits = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > address.length * 8) {
        throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.."
            + address.length * 8);
      }
    }
    return new AddressRange(address, bits);
  }

  /** @return whether {@code address} lies in this range */
  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    if (!Arrays.equals(candidate, 0, full, network, 0, full)) {
      return false;
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (candidate[full] & mask) == (network[full] & mask);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AddressRange range && range.prefixBits == prefixBits
        && Arrays.equals(range.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixBits;
  }

  @Override
  public String toString() {
    try {
      // As people write it: ::1/128, not 0:0:0:0:0:0:0:1/128.
      return com.google.common.net.InetAddresses.toAddrString(InetAddress.getByAddress(network))
          + "/" + prefixBits;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
