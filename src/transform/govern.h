// govern transform: protects sensitive values before they move on.
//
// Per field (`fields: {email: tokenize, card_number: drop}`) and, for every other
// value, per class of what the detectors find in it (`classes: {restricted: drop,
// confidential: tokenize}`): tokenize, encrypt, mask, hash, drop or allow. Values
// already protected (tok_…, enc_…) are left alone, so governing twice changes
// nothing. An event an action cannot handle (an object where text is needed) goes to
// <name>.dead_letter with the reason; nothing is passed on unprotected.
#pragma once

#include "transform/transform.h"

namespace sluice::transform {

TransformType govern_transform_type();

}  // namespace sluice::transform
