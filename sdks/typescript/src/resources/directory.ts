// The directory: who and where conversations come from, and who may call the API.
import type { BodyOf, Http, QueryOf, ResultOf } from "../http.js";
import { Collection } from "./collection.js";

export class Contacts extends Collection<"listContacts", "createContact", "getContact", "updateContact", "deleteContact"> {
  constructor(http: Http) {
    super(http, { list: "listContacts", create: "createContact", get: "getContact", update: "updateContact", remove: "deleteContact" });
  }

  /**
   * Merges contact `from` (the same person, met on another channel) into `id`: its
   * conversations move over, and it answers 404 afterwards.
   */
  merge(id: string, from: string): Promise<ResultOf<"mergeContacts">> {
    return this.http.call("mergeContacts", { path: { id }, body: { from } });
  }
}

export class Channels extends Collection<"listChannels", "createChannel", "getChannel", "updateChannel", "deleteChannel"> {
  constructor(http: Http) {
    super(http, { list: "listChannels", create: "createChannel", get: "getChannel", update: "updateChannel", remove: "deleteChannel" });
  }
}

export class Users extends Collection<"listUsers", "createUser", "getUser", "updateUser", "deleteUser"> {
  constructor(http: Http) {
    super(http, { list: "listUsers", create: "createUser", get: "getUser", update: "updateUser", remove: "deleteUser" });
  }
}

export class BusinessUnits extends Collection<
  "listBusinessUnits",
  "createBusinessUnit",
  "getBusinessUnit",
  "updateBusinessUnit",
  "deleteBusinessUnit"
> {
  constructor(http: Http) {
    super(http, {
      list: "listBusinessUnits",
      create: "createBusinessUnit",
      get: "getBusinessUnit",
      update: "updateBusinessUnit",
      remove: "deleteBusinessUnit",
    });
  }
}

/** Organization-wide labels; renamed, a label stays on its conversations. */
export class Labels extends Collection<"listLabels", "createLabel", "getLabel", "updateLabel", "deleteLabel"> {
  constructor(http: Http) {
    super(http, { list: "listLabels", create: "createLabel", get: "getLabel", update: "updateLabel", remove: "deleteLabel" });
  }
}

/** API keys; the secret is in the answer of `create` only. */
export class ApiKeys extends Collection<"listApiKeys", "createApiKey", "getApiKey", "updateApiKey", "deleteApiKey"> {
  constructor(http: Http) {
    super(http, { list: "listApiKeys", create: "createApiKey", get: "getApiKey", update: "updateApiKey", remove: "deleteApiKey" });
  }
}

/** Organizations (tenants); needs an admin key. */
export class Organizations {
  constructor(private readonly http: Http) {}

  list(params?: QueryOf<"listOrganizations">): Promise<ResultOf<"listOrganizations">> {
    return this.http.call("listOrganizations", { query: params });
  }

  create(body: BodyOf<"createOrganization">): Promise<ResultOf<"createOrganization">> {
    return this.http.call("createOrganization", { body });
  }

  /** The caller's own organization. */
  current(): Promise<ResultOf<"getCurrentOrganization">> {
    return this.http.call("getCurrentOrganization");
  }

  /** Its name, and whether every person must use two factors (admins). */
  updateCurrent(body: BodyOf<"updateCurrentOrganization">): Promise<ResultOf<"updateCurrentOrganization">> {
    return this.http.call("updateCurrentOrganization", { body });
  }
}
