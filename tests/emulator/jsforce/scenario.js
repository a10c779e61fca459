// Runs unmodified jsforce against a Salesforce org (the emulator, in tests) and prints one JSON
// document: each step's result, or the error jsforce raised, keyed by step name. A failing step
// does not stop the run, so the pytest side (tests/emulator/test_clients_jsforce.py) can say which
// operation broke.
//
// Reads from the environment (tokens stay out of argv, which other processes can read):
//   SF_INSTANCE_URL, SF_ACCESS_TOKEN            the session
//   SF_LOGIN_URL, SF_CLIENT_ID, SF_CLIENT_SECRET, SF_REFRESH_TOKEN
//                                               optional: let jsforce refresh an expired session
//   SF_API_VERSION                              default 59.0
'use strict';

const jsforce = require('jsforce');

const env = process.env;
const BULK_POLLING = { pollInterval: 100, pollTimeout: 30000 };

function connect() {
  const options = {
    instanceUrl: env.SF_INSTANCE_URL,
    accessToken: env.SF_ACCESS_TOKEN,
    version: env.SF_API_VERSION || '59.0',
  };
  if (env.SF_REFRESH_TOKEN) {
    options.refreshToken = env.SF_REFRESH_TOKEN;
    options.oauth2 = {
      loginUrl: env.SF_LOGIN_URL,
      clientId: env.SF_CLIENT_ID,
      clientSecret: env.SF_CLIENT_SECRET,
      redirectUri: 'http://localhost/unused',
    };
  }
  return new jsforce.Connection(options);
}

function describeError(error) {
  return {
    name: error.name,
    errorCode: error.errorCode,
    message: error.message,
  };
}

async function main() {
  const conn = connect();
  const results = {};
  const refreshes = [];
  conn.on('refresh', (accessToken) => refreshes.push(accessToken));

  async function step(name, operation) {
    try {
      results[name] = { ok: true, value: await operation() };
    } catch (error) {
      results[name] = { ok: false, error: describeError(error) };
    }
    return results[name].ok ? results[name].value : undefined;
  }

  const Contact = conn.sobject('Contact');

  await step('identity', async () => {
    const identity = await conn.identity();
    return {
      user_id: identity.user_id,
      organization_id: identity.organization_id,
      username: identity.username,
    };
  });

  await step('describeGlobal', async () => {
    const described = await conn.describeGlobal();
    return described.sobjects.map((sobject) => sobject.name);
  });

  await step('describe', async () => {
    const described = await conn.describe('Account');
    return {
      name: described.name,
      fields: Object.fromEntries(described.fields.map((f) => [f.name, f.type])),
      childRelationships: described.childRelationships.map((r) => [r.childSObject, r.relationshipName]),
    };
  });

  const account = await step('createAccount', () => conn.sobject('Account').create({ Name: 'Acme' }));
  const contact = await step('create', () =>
    Contact.create({ FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com', AccountId: account.id }),
  );
  await step('retrieve', async () => {
    const record = await Contact.retrieve(contact.id);
    return { Id: record.Id, Name: record.Name, type: record.attributes.type };
  });
  await step('update', () => Contact.update({ Id: contact.id, Title: 'Analyst' }));

  await step('upsertCreate', () => Contact.upsert({ Email: 'grace@example.com', LastName: 'Hopper' }, 'Email'));
  await step('upsertUpdate', () => Contact.upsert({ Email: 'grace@example.com', Title: 'Admiral' }, 'Email'));
  await step('collectionsUpsert', () =>
    Contact.upsert(
      [
        { Email: 'grace@example.com', LastName: 'Hopper', Title: 'Rear Admiral' },
        { Email: 'katherine@example.com', LastName: 'Johnson' },
      ],
      'Email',
    ),
  );

  await step('queryParent', async () => {
    const result = await conn.query(
      `SELECT Id, Title, Account.Name FROM Contact WHERE Id = '${contact.id}'`,
    );
    return result.records.map((r) => ({ Id: r.Id, Title: r.Title, AccountName: r.Account && r.Account.Name }));
  });

  const created = await step('collectionsCreate', () =>
    Contact.create([
      { LastName: 'Page 1', Email: 'p1@example.com' },
      { LastName: 'Page 2', Email: 'p2@example.com' },
      { LastName: 'Page 3', Email: 'p3@example.com' },
      { LastName: 'Page 4', Email: 'p4@example.com' },
      { FirstName: 'No last name' },
    ]),
  );
  const createdIds = (created ?? []).filter((r) => r.success).map((r) => r.id);

  await step('queryFirstPage', async () => {
    const result = await conn.query("SELECT Id FROM Contact WHERE LastName LIKE 'Page%'");
    return { totalSize: result.totalSize, done: result.done, fetched: result.records.length };
  });
  await step('queryAutoFetch', async () => {
    const query = conn.query("SELECT LastName FROM Contact WHERE LastName LIKE 'Page%' ORDER BY LastName", {
      autoFetch: true,
      maxFetch: 100,
    });
    let pages = 0;
    query.on('fetch', () => (pages += 1));
    const result = await query;
    return { totalSize: result.totalSize, done: result.done, pages, lastNames: result.records.map((r) => r.LastName) };
  });

  await step('retrieveMany', async () => {
    const records = await Contact.retrieve([createdIds[0], contact.id]);
    return records.map((r) => ({ Id: r.Id, LastName: r.LastName, Email: r.Email, Title: r.Title }));
  });

  await step('collectionsUpdate', () =>
    Contact.update([
      { Id: createdIds[0], Title: 'Updated' },
      { Id: createdIds[1], LastName: '' },
    ]),
  );
  await step('collectionsDelete', () => Contact.destroy([createdIds[2], createdIds[3]]));

  await step('queryAll', async () => {
    const result = await conn.query("SELECT Id, IsDeleted FROM Contact WHERE LastName LIKE 'Page%'", {
      scanAll: true,
      autoFetch: true,
    });
    return { totalSize: result.totalSize, deleted: result.records.filter((r) => r.IsDeleted).map((r) => r.Id) };
  });

  await step('errorDeleted', () => Contact.retrieve(createdIds[2]));
  await step('errorMalformedQuery', () => conn.query('SELECT Id FROM'));

  const bulk = (options) => conn.bulk2.loadAndWaitForResults({ ...BULK_POLLING, object: 'Contact', ...options });
  const bulkInserted = await step('bulkInsert', () =>
    bulk({
      operation: 'insert',
      input: [
        { LastName: 'Bulk One', Email: 'bulk1@example.com' },
        { LastName: 'Bulk Two', Email: 'bulk2@example.com' },
        { LastName: '', Email: 'bulk-nameless@example.com' },
      ],
    }),
  );
  // jsforce takes the CSV header from the first record, so every record names the same fields.
  await step('bulkUpsert', () =>
    bulk({
      operation: 'upsert',
      externalIdFieldName: 'Email',
      input: [
        { Email: 'bulk1@example.com', LastName: 'Bulk One', Title: 'Upserted' },
        { Email: 'bulk3@example.com', LastName: 'Bulk Three', Title: 'New' },
      ],
    }),
  );
  const bulkId = (email) => bulkInserted.successfulResults.find((r) => r.Email === email).sf__Id;
  await step('bulkUpdate', () =>
    bulk({
      operation: 'update',
      input: [
        { Id: bulkId('bulk1@example.com'), Title: 'Updated in bulk' },
        { Id: createdIds[2], Title: 'Deleted already' },
      ],
    }),
  );
  await step('bulkDelete', () =>
    bulk({ operation: 'delete', input: [{ Id: bulkId('bulk2@example.com') }, { Id: createdIds[2] }] }),
  );

  await step('refreshes', async () => refreshes.length);
  return results;
}

main().then(
  (results) => process.stdout.write(`${JSON.stringify(results)}\n`),
  (error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exitCode = 1;
  },
);
