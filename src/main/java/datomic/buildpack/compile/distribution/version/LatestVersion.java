package datomic.buildpack.compile.distribution.version;

import datomic.buildpack.catalog.DatomicVersion;
import datomic.buildpack.compile.distribution.download.Downloader;
import datomic.buildpack.compile.distribution.zip.NotAZip;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Resolves {@code DATOMIC_VERSION=latest} from Maven metadata of {@code com.datomic/peer}
 * ({@code <release>}, else {@code <latest>}, else the highest {@code <version>}), parsed with the
 * JDK's XML parser with DTDs and external entities off.
 */
public final class LatestVersion {
  private static final int MAX_BYTES = 1 << 20;

  private LatestVersion() {}

  /** The newest version named by the metadata at {@code url}; IOException if unreachable. */
  public static DatomicVersion fetch(Downloader downloader, URI url) throws IOException {
    return parse(downloader.fetch(url, MAX_BYTES));
  }

  static DatomicVersion parse(byte[] xml) throws IOException {
    Optional<String> page = NotAZip.htmlPage(xml);
    if (page.isPresent()) {
      throw new IOException("it answered with " + page.get() + ", not Maven metadata (a login or"
          + " error page?)");
    }
    Document doc;
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      factory.setNamespaceAware(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);
      doc = builder.parse(new ByteArrayInputStream(xml));
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser cannot be configured safely", e);
    } catch (SAXException e) {
      throw new IOException("the metadata is not valid Maven metadata XML (" + e.getMessage() + ")");
    }
    Element root = doc.getDocumentElement();
    if (root == null || !root.getTagName().equals("metadata")) {
      throw new IOException("the metadata is not Maven metadata (no <metadata> root)");
    }
    for (String tag : new String[] {"release", "latest"}) {
      Optional<String> text = first(root, tag);
      if (text.isPresent()) {
        return DatomicVersion.parse(text.get()).orElseThrow(() -> new IOException(
            "the metadata names '" + clip(text.get()) + "' as <" + tag + ">, which is not a version"
                + " made of digits and dots"));
      }
    }
    NodeList versions = root.getElementsByTagName("version");
    DatomicVersion best = null;
    for (int i = 0; i < versions.getLength(); i++) {
      Optional<DatomicVersion> v = DatomicVersion.parse(versions.item(i).getTextContent().strip());
      if (v.isPresent() && (best == null || v.get().compareTo(best) > 0)) {
        best = v.get();
      }
    }
    if (best == null) {
      throw new IOException("the metadata lists no version");
    }
    return best;
  }

  private static Optional<String> first(Element root, String tag) {
    NodeList nodes = root.getElementsByTagName(tag);
    if (nodes.getLength() == 0) {
      return Optional.empty();
    }
    String text = nodes.item(0).getTextContent().strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  private static String clip(String s) {
    String shown = s.replaceAll("\\p{Cntrl}", "?");
    return shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
  }
}
