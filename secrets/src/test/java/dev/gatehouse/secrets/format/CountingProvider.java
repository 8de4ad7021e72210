package dev.gatehouse.secrets.format;

import dev.gatehouse.secrets.DecryptionFailedException;
import dev.gatehouse.secrets.KeyProviderException;
import dev.gatehouse.secrets.SecretValue;
import dev.gatehouse.secrets.provider.KeyProvider;
import dev.gatehouse.secrets.provider.WrappedKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Delegating provider that counts calls. */
final class CountingProvider implements KeyProvider {

    private final KeyProvider delegate;
    private final AtomicInteger calls = new AtomicInteger();

    CountingProvider(KeyProvider delegate) {
        this.delegate = delegate;
    }

    int calls() {
        return calls.get();
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public String keyName() {
        return delegate.keyName();
    }

    @Override
    public List<WrappedKey> wrap(List<WrapRequest> requests) throws KeyProviderException {
        calls.incrementAndGet();
        return delegate.wrap(requests);
    }

    @Override
    public List<SecretValue> unwrap(List<UnwrapRequest> requests) throws DecryptionFailedException, KeyProviderException {
        calls.incrementAndGet();
        return delegate.unwrap(requests);
    }

    @Override
    public List<Optional<WrappedKey>> rewrap(List<UnwrapRequest> requests) throws KeyProviderException {
        calls.incrementAndGet();
        return delegate.rewrap(requests);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
