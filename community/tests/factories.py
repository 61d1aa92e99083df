import factory
from django.utils import timezone

from community.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    role = Role.MEMBER
    language = "en"
    # Proven by construction, so the password works; pass None for an account
    # registered by someone who has not (yet) proven the address.
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def groups_for_role(self, create, extracted, **kwargs):
        if create:
            from community.roles import apply_role_flags, apply_role_groups

            apply_role_flags(self)
            self.save()
            apply_role_groups(self)
