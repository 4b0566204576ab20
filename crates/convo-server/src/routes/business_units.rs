//! `/v1/business-units`.

use convo_types::{BusinessUnit, BusinessUnitId, CreateBusinessUnit, UpdateBusinessUnit};

use super::directory::prelude::*;

directory_list! {
    path: "/v1/business-units", tag: "business units", item: BusinessUnit, operation_id: "listBusinessUnits",
    use_case: directory::list_business_units, doc: "Lists business units, oldest first.",
}

directory_handlers! {
    path: "/v1/business-units", item_path: "/v1/business-units/{id}", tag: "business units",
    item: BusinessUnit, id: BusinessUnitId, create: CreateBusinessUnit, update: UpdateBusinessUnit,
    operation_ids: ("createBusinessUnit", "getBusinessUnit", "updateBusinessUnit", "deleteBusinessUnit"),
    use_cases: (
        directory::create_business_unit,
        directory::get_business_unit,
        directory::update_business_unit,
        directory::delete_business_unit
    ),
    docs: (
        "Creates a business unit.",
        "Gets a business unit by id.",
        "Changes a business unit: absent fields stay as they are.",
        "Deletes a business unit; `409` while something still refers to it."
    ),
    after_write: nothing_cached,
}
