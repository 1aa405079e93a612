package com.postpressbridge.ledger;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.postpressbridge.config.LedgerUrl;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.InjectableInstance;

/**
 * The database the ledger lives in: the embedded H2 one, or PostgreSQL when {@code outreach.ledger.url} says so (only
 * that datasource is active; see {@link LedgerUrl}).
 */
@ApplicationScoped
public class LedgerDatabase {

    private final DataSource dataSource;
    private final boolean postgresql;

    @Inject
    LedgerDatabase(@ConfigProperty(name = "outreach.ledger.url") String url,
            @Default InjectableInstance<AgroalDataSource> embedded,
            @io.quarkus.agroal.DataSource(LedgerUrl.POSTGRESQL) InjectableInstance<AgroalDataSource> server) {
        this.postgresql = LedgerUrl.isPostgresql(url);
        this.dataSource = postgresql ? server.get() : embedded.get();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether the ledger is on a PostgreSQL server (else in embedded H2). */
    public boolean postgresql() {
        return postgresql;
    }
}
